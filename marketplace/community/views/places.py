"""Managing communities, grids and buildings (admins and staff), and appointing staff."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from marketplace.accounts import service as accounts
from marketplace.community import service
from marketplace.community.views.picker import picked, picker_context
from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.web import auth, confirm
from marketplace.web.forms import Form
from marketplace.web.params import PathId
from marketplace.web.render import next_path, page, redirect, refused
from marketplace.web.request import AppRequest


class CommunityController(Controller):
    path = "/manage"
    opt = {auth.GUARD: auth.staff_required}

    @get("/", name="manage_home")
    async def index(self, request: AppRequest) -> Any:
        communities = await service.managed_by(request.principal)
        return page(request, "community/index.html", communities=communities, errors={},
                    values={})

    @post("/communities", name="create_community")
    async def create(self, request: AppRequest) -> Any:
        me = request.principal
        form = await Form.read(request)
        try:
            cid = await service.create_community(me, form.str("name", max_length=200),
                                                 form.str("district", max_length=200))
        except DomainError as exc:
            communities = await service.managed_by(me)
            return page(request, "community/index.html", status_code=refused(request, exc),
                        communities=communities, errors={exc.field or "name": exc.message},
                        values=form.values())
        return redirect(request, f"/manage/communities/{cid}", _("Community created."))

    @get("/communities/{community_id:int}", name="community_detail")
    async def detail(self, request: AppRequest, community_id: PathId) -> Any:
        return await _detail(request, community_id)

    @post("/communities/{community_id:int}/grids", name="add_grid")
    async def add_grid(self, request: AppRequest, community_id: PathId) -> Any:
        form = await Form.read(request)
        try:
            await service.add_grid(request.principal, community_id,
                                   form.str("name", max_length=200))
        except DomainError as exc:
            return await _detail(request, community_id, "grid", exc.message,
                                 form.str("name", max_length=200))
        return redirect(request, f"/manage/communities/{community_id}", _("Grid added."))

    @post("/grids/{grid_id:int}/buildings", name="add_building")
    async def add_building(self, request: AppRequest, grid_id: PathId) -> Any:
        form = await Form.read(request)
        community_id = await service.community_of("grid", grid_id)
        try:
            await service.add_building(request.principal, grid_id,
                                       form.str("name", max_length=200))
        except DomainError as exc:
            return await _detail(request, community_id, f"building-{grid_id}", exc.message,
                                 form.str("name", max_length=200))
        return redirect(request, f"/manage/communities/{community_id}", _("Building added."))

    @post("/{kind:str}/{object_id:int}/rename", name="rename_place")
    async def rename(self, request: AppRequest, kind: FromPath[str], object_id: PathId) -> Any:
        if kind not in service.KINDS:
            raise NotFoundException()
        form = await Form.read(request)
        community_id = await service.community_of(kind, object_id)
        back = f"/manage/communities/{community_id}"
        try:
            await service.rename(request.principal, kind, object_id,
                                 form.str("name", max_length=200))
        except DomainError as exc:
            return redirect(request, back, exc.message, "error")
        return redirect(request, back, _("Renamed."))

    @post("/{kind:str}/{object_id:int}/archive", name="archive_place")
    async def archive(self, request: AppRequest, kind: FromPath[str], object_id: PathId) -> Any:
        me = request.principal
        if kind not in service.KINDS:
            raise NotFoundException()
        form = await Form.read(request)
        archived = form.str("archived", "1") == "1"
        community_id = await service.community_of(kind, object_id)
        if archived and not confirm.confirmed(form):
            name = await service.name_of(me, kind, object_id)
            return confirm.ask(request, action=f"/manage/{kind}/{object_id}/archive",
                               question=_("Archive “%(name)s”?", name=name),
                               button=_("Yes, archive it"),
                               back=f"/manage/communities/{community_id}",
                               hidden={"archived": "1"})
        await service.set_archived(me, kind, object_id, archived)
        message = _("Archived.") if archived else _("Restored.")
        return redirect(request, f"/manage/communities/{community_id}", message)

    @post("/communities/{community_id:int}/staff", name="grant_staff")
    async def grant_staff(self, request: AppRequest, community_id: PathId) -> Any:
        form = await Form.read(request)
        try:
            # Anyone registered anywhere: a new community has nobody of its own yet.
            person = await picked(form, request.principal, None)
            await accounts.grant_staff_to(request.principal, person, community_id)
        except DomainError as exc:
            return await _detail(request, community_id, "person", exc.message,
                                 form.str("person", max_length=64),
                                 **await picker_context(exc))
        return redirect(request, f"/manage/communities/{community_id}", _("Staff appointed."))

    @post("/staff/{membership_id:int}/revoke", name="revoke_staff")
    async def revoke_staff(self, request: AppRequest, membership_id: PathId) -> Any:
        form = await Form.read(request)
        await accounts.revoke_staff(request.principal, membership_id)
        back = next_path(form, "/manage")
        return redirect(request, back if back.startswith("/manage") else "/manage",
                        _("Staff appointment ended."))


async def _detail(request: AppRequest, community_id: int, field: str = "", error: str = "",
                  value: str = "", **picker: Any) -> Any:
    """The community page; after a refused name, the message and input stay on its form."""
    structure = await service.structure(request.principal, community_id)
    staff = await accounts.staff_of(request.principal, community_id)
    return page(request, "community/detail.html", status_code=422 if error else 200,
                community=structure, staff=staff,
                errors={field: error} if error else {}, values={field: value} if error else {},
                **picker)

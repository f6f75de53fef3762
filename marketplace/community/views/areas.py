"""Administrators' page for districts and streets: create and rename them, put
communities under a street, appoint and end street and district staff."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post

from marketplace.accounts import area_staff
from marketplace.community import areas, service
from marketplace.community.views.picker import picked, picker_context
from marketplace.errors import DomainError, Forbidden
from marketplace.i18n import _
from marketplace.web import auth
from marketplace.web.forms import Form
from marketplace.web.params import PathId
from marketplace.web.render import page, redirect
from marketplace.web.request import AppRequest

HOME = "/admin/areas"


class AreasAdminController(Controller):
    path = HOME
    include_in_schema = False
    opt = {auth.GUARD: auth.staff_required}

    @get("/", name="areas_admin")
    async def index(self, request: AppRequest) -> Any:
        return await _page(request)

    @post("/districts", name="create_district")
    async def create_district(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        try:
            await areas.create_district(request.principal, form.str("name", max_length=200),
                                        _target(form))
        except DomainError as exc:
            return await _page(request, "district", exc, form)
        return redirect(request, HOME, _("District created."))

    @post("/districts/{district_id:int}", name="update_district")
    async def update_district(self, request: AppRequest, district_id: PathId) -> Any:
        form = await Form.read(request)
        try:
            await areas.update_district(request.principal, district_id,
                                        form.str("name", max_length=200), _target(form))
        except DomainError as exc:
            return await _page(request, f"district-{district_id}", exc, form)
        return redirect(request, HOME, _("District saved."))

    @post("/districts/{district_id:int}/streets", name="create_street")
    async def create_street(self, request: AppRequest, district_id: PathId) -> Any:
        form = await Form.read(request)
        try:
            await areas.create_street(request.principal, district_id,
                                      form.str("name", max_length=200))
        except DomainError as exc:
            return await _page(request, f"street-new-{district_id}", exc, form)
        return redirect(request, HOME, _("Street created."))

    @post("/streets/{street_id:int}/rename", name="rename_street")
    async def rename_street(self, request: AppRequest, street_id: PathId) -> Any:
        form = await Form.read(request)
        try:
            await areas.rename_street(request.principal, street_id,
                                      form.str("name", max_length=200))
        except DomainError as exc:
            return await _page(request, f"street-{street_id}", exc, form)
        return redirect(request, HOME, _("Renamed."))

    @post("/communities/{community_id:int}/street", name="place_community")
    async def place(self, request: AppRequest, community_id: PathId) -> Any:
        form = await Form.read(request)
        try:
            street_id = form.id("street", required=False, label=_("Street"))
            await areas.place_community(request.principal, community_id, street_id)
        except DomainError as exc:
            return await _page(request, f"community-{community_id}", exc, form)
        return redirect(request, HOME, _("Saved."))

    @post("/streets/{street_id:int}/staff", name="appoint_street_staff")
    async def appoint_street(self, request: AppRequest, street_id: PathId) -> Any:
        return await _appoint(request, f"street-staff-{street_id}", street_id=street_id)

    @post("/districts/{district_id:int}/staff", name="appoint_district_staff")
    async def appoint_district(self, request: AppRequest, district_id: PathId) -> Any:
        return await _appoint(request, f"district-staff-{district_id}",
                              district_id=district_id)

    @post("/staff/{membership_id:int}/end", name="end_area_staff")
    async def end(self, request: AppRequest, membership_id: PathId) -> Any:
        await area_staff.end(request.principal, membership_id)
        return redirect(request, HOME, _("Staff appointment ended."))


def _target(form: Form) -> int:
    return form.int("target_hours", required=False, label=_("Yearly target (hours)"),
                    minimum=0, maximum=areas.TARGET_HOURS_MAX) or 0


async def _appoint(request: AppRequest, key: str, **area: int) -> Any:
    form = await Form.read(request)
    me = request.principal
    try:
        if not me.is_admin:  # before the picker looks anyone up
            raise Forbidden(_("Only administrators appoint street and district staff."))
        if "street_id" in area:
            await areas.street(area["street_id"])
        else:
            await areas.district(area["district_id"])
        # Anyone registered anywhere: street and district staff belong to no community.
        person = await picked(form, me, None)
        await area_staff.appoint(me, person, **area)
    except DomainError as exc:
        return await _page(request, key, exc, form, **await picker_context(exc))
    return redirect(request, HOME, _("Staff appointed."))


async def _page(request: AppRequest, key: str = "", exc: DomainError | None = None,
                form: Form | None = None, **picker: Any) -> Any:
    """The page; after a refusal, the message and what was typed stay on that form."""
    me = request.principal
    if not me.is_admin:
        raise Forbidden(_("Only administrators manage streets and districts."))
    districts = await areas.districts()
    streets = await areas.streets()
    for d in districts:
        d["staff"] = await area_staff.staff(me, district_id=d["id"])
        d["streets"] = [s for s in streets if s["district"] == d["id"]]
    for s in streets:
        s["staff"] = await area_staff.staff(me, street_id=s["id"])
    return page(request, "community/areas.html", status_code=422 if exc else 200,
                districts=districts, streets=streets,
                communities=await service.list_communities(),
                street_options=[(s["id"], f"{s['district.name']} · {s['name']}")
                                for s in streets],
                error_key=key, errors={exc.field or "name": exc.message} if exc else {},
                values=form.values() if form else {}, **picker)

"""Pages: staff make a managed account and manage a member's proxies and activation code;
a resident names or removes proxies on their Me page; anyone ends a link they are part of;
a managed resident takes over their account at /activate."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromQuery

from marketplace.accounts import managed, proxies
from marketplace.accounts.sessions import Throttled
from marketplace.community import service as places_service
from marketplace.errors import DomainError, NotFound
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.privacy import access
from marketplace.web import auth
from marketplace.web.forms import Form
from marketplace.web.params import PathId, query_id
from marketplace.web.render import absolute_url, page, redirect, refused, safe_path
from marketplace.web.request import AppRequest


def _community(me: Principal, asked: int | None) -> int:
    if asked is not None:
        return asked
    return min(me.staff_community_ids) if me.staff_community_ids else me.community_id


class ManagedAccountController(Controller):
    """Staff-managed accounts (红色代办) and a member's proxies, for staff."""

    path = "/staff/members"
    opt = {auth.GUARD: auth.staff_required}

    async def _new_form(self, request: AppRequest, community_id: int,
                        values: dict[str, str], errors: dict[str, str],
                        status_code: int = 200) -> Any:
        if not request.principal.can_staff(community_id):
            raise NotFound(_("No such community."))
        return page(request, "proxies/new_member.html", status_code=status_code,
                    places=await places_service.places(community_id),
                    community_id=community_id, values=values, errors=errors)

    @get("/new", name="managed_new")
    async def new(self, request: AppRequest, community_id: FromQuery[str | None] = None) -> Any:
        cid = _community(request.principal, query_id(community_id, _("Community")))
        return await self._new_form(request, cid, {}, {})

    @post("/new")
    async def create(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        cid = _community(request.principal, form.id("community", required=False,
                                                     label=_("Community")))
        try:
            user_id = await managed.create(request.principal, managed.ManagedAccount(
                display_name=form.str("display_name", max_length=200),
                community_id=cid,
                grid_id=form.id("grid", required=False, label=_("Grid")),
                building_id=form.id("building", required=False, label=_("Building")),
                address=form.str("address", max_length=500),
                phone=form.str("phone", max_length=100),
            ))
        except DomainError as exc:
            return await self._new_form(request, cid, form.values(),
                                        {exc.field or "form": exc.message},
                                        refused(request, exc))
        return redirect(request, f"/staff/members/{user_id}/proxies",
                        _("The account is made. You can now post wishes and act for them."))

    @get("/{user_id:int}/proxies", name="member_proxies")
    async def show(self, request: AppRequest, user_id: PathId) -> Any:
        return await _member_page(request, user_id)

    @post("/{user_id:int}/proxies")
    async def add(self, request: AppRequest, user_id: PathId) -> Any:
        form = await Form.read(request)
        try:
            await proxies.add(request.principal, user_id, form.str("proxy_login", max_length=64))
        except DomainError as exc:
            return await _member_page(request, user_id, form.values(),
                                      {exc.field or "proxy_login": exc.message},
                                      refused(request, exc))
        return redirect(request, f"/staff/members/{user_id}/proxies", _("Proxy added."))

    @post("/{user_id:int}/activation", name="member_activation")
    async def activation(self, request: AppRequest, user_id: PathId) -> Any:
        try:
            issued = await managed.issue_activation(request.principal, user_id)
        except DomainError as exc:
            return redirect(request, f"/staff/members/{user_id}/proxies", exc.message, "error")
        return page(request, "proxies/activation_slip.html", issued=issued,
                    activate_url=absolute_url(request, "/activate"))


async def _member_page(request: AppRequest, user_id: int, values: dict[str, str] | None = None,
                       errors: dict[str, str] | None = None, status_code: int = 200) -> Any:
    me = request.principal
    # NotFound/Forbidden unless their staff; the unit/room shown is recorded
    person = await access.proxies_profile(me, user_id)
    return page(request, "proxies/member.html", status_code=status_code, person=person,
                links=await proxies.links(me, user_id),
                may_act=await proxies.may_act_for(me, user_id),
                managed=await _is_managed(me, user_id), max_proxies=proxies.MAX_PROXIES,
                values=values or {}, errors=errors or {})


async def _is_managed(me: Principal, user_id: int) -> bool:
    try:
        return bool((await managed.managed_person(me, user_id))["managed_by_staff"])
    except NotFound:
        return False


class ProxyController(Controller):
    """A resident's own proxies (on the Me page) and ending any link one is part of."""

    opt = {auth.GUARD: auth.login_required}

    @post("/me/proxies", name="my_proxies_add")
    async def add(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        me = request.principal
        try:
            await proxies.add(me, me.user_id, form.str("proxy_login", max_length=64))
        except DomainError as exc:
            return redirect(request, "/me#proxies", exc.message, "error")
        return redirect(request, "/me#proxies", _("Proxy added. They can now act for you."))

    @post("/proxies/{link_id:int}/revoke", name="proxy_revoke")
    async def revoke(self, request: AppRequest, link_id: PathId) -> Any:
        form = await Form.read(request)
        back = safe_path(form.str("next", max_length=200), "/me#proxies")
        try:
            await proxies.revoke(request.principal, link_id)
        except DomainError as exc:
            return redirect(request, back, exc.message, "error")
        return redirect(request, back, _("The proxy link has ended."))


class ActivationController(Controller):
    """A managed resident takes over their account with the code staff gave them."""

    path = "/activate"

    @get("/", name="activate")
    async def form(self, request: AppRequest) -> Any:
        return page(request, "proxies/activate.html", values={}, errors={})

    @post("/")
    async def activate(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        client = request.client
        try:
            password = form.str("password", max_length=1000)
            if password != form.str("password2", max_length=1000):
                raise DomainError(_("The two passwords differ."), "password2")
            await managed.activate(managed.Activation(
                code=form.str("code", max_length=40), login=form.str("login", max_length=64),
                password=password), client.host if client else "unknown")
        except DomainError as exc:
            values = {k: v for k, v in form.values().items()
                      if k not in ("password", "password2")}
            status = 429 if isinstance(exc, Throttled) else refused(request, exc)
            return page(request, "proxies/activate.html", status_code=status, values=values,
                        errors={exc.field or "form": exc.message})
        return redirect(request, "/login",
                        _("Your account is yours now. Please sign in with your new password."))

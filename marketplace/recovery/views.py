"""Account recovery pages: "Forgot your password?", typing or opening a reset code and
setting a new password (no sign-in), staff issuing a code and printing its slip, and the
community office's contact details that the first page shows."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery

from marketplace import settings
from marketplace.accounts import sessions
from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.recovery import service
from marketplace.web import auth
from marketplace.web.forms import Form
from marketplace.web.params import PathId, query_id
from marketplace.web.qr import qr_svg
from marketplace.web.render import absolute_url, page, redirect, refused
from marketplace.web.request import AppRequest


def _client_ip(request: AppRequest) -> str:
    client = request.client
    return client.host if client else "unknown"


def _status(request: AppRequest, exc: DomainError) -> int:
    status = refused(request, exc)
    return 429 if status != 200 and isinstance(exc, sessions.Throttled) else status


class RecoveryController(Controller):
    """Open to everyone: the person who forgot their password is not signed in."""

    include_in_schema = False

    @get("/forgot", name="forgot_password")
    async def forgot(self, request: AppRequest) -> Any:
        return page(request, "recovery/forgot.html", offices=await service.offices(),
                    hours=settings.get().reset_code_hours)

    @get("/reset", name="reset_enter")
    async def enter(self, request: AppRequest) -> Any:
        return page(request, "recovery/enter.html", values={}, errors={})

    @post("/reset")
    async def enter_code(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        try:
            raw = form.str("code", max_length=64)
            holder = await service.check(raw, _client_ip(request))
        except DomainError as exc:
            return page(request, "recovery/enter.html", status_code=_status(request, exc),
                        values={"code": form.values().get("code", "")[:64]},
                        errors={exc.field or "code": exc.message})
        return _new_password(request, service.normalise(raw), holder)

    @get("/reset/{code:str}", name="reset_link")
    async def link(self, request: AppRequest, code: FromPath[str]) -> Any:
        try:
            holder = await service.check(code, _client_ip(request))
        except DomainError as exc:
            return page(request, "recovery/enter.html", status_code=_status(request, exc),
                        values={}, errors={exc.field or "code": exc.message})
        return _new_password(request, service.normalise(code), holder)

    @post("/reset/{code:str}")
    async def set_password(self, request: AppRequest, code: FromPath[str]) -> Any:
        form = await Form.read(request)
        try:
            password = form.str("password", max_length=1000)
            if password != form.str("password2", max_length=1000):
                holder = await service.check(code, _client_ip(request))
                return _new_password(request, service.normalise(code), holder, {
                    "password2": _("The two passwords differ.")}, 422)
            await service.use(code, password, _client_ip(request))
        except DomainError as exc:
            if exc.field in ("password", "password2"):
                holder = await service.check(code, _client_ip(request))
                return _new_password(request, service.normalise(code), holder,
                                     {exc.field: exc.message}, refused(request, exc))
            return page(request, "recovery/enter.html", status_code=_status(request, exc),
                        values={}, errors={exc.field or "code": exc.message})
        return redirect(request, "/login",
                        _("Your new password is set. Please sign in with it."))


def _new_password(request: AppRequest, code: str, holder: service.Holder,
                  errors: dict[str, str] | None = None, status_code: int = 200) -> Any:
    return page(request, "recovery/reset.html", status_code=status_code, code=code,
                holder=holder, errors=errors or {})


class StaffResetController(Controller):
    """Staff issue a member's reset code and print its slip. The member page
    (``/staff/members/{user_id}``) links here."""

    path = "/staff/members"
    opt = {auth.GUARD: auth.staff_required}
    include_in_schema = False

    @get("/{user_id:int}/reset-code", name="reset_code_ask")
    async def ask(self, request: AppRequest, user_id: PathId) -> Any:
        target = await service.person(request.principal, user_id)
        return page(request, "recovery/issue.html", person=target)

    @post("/{user_id:int}/reset-code", name="reset_code_issue")
    async def issue(self, request: AppRequest, user_id: PathId) -> Any:
        try:
            reset_id = await service.issue(request.principal, user_id)
        except DomainError as exc:
            return redirect(request, f"/staff/members/{user_id}/reset-code", exc.message,
                            "error")
        return redirect(request, f"/staff/members/{user_id}/reset-code/{reset_id}",
                        _("Reset code issued. Give the slip to the person in hand."))

    @get("/{user_id:int}/reset-code/{reset_id:int}", name="reset_code_slip")
    async def slip(self, request: AppRequest, user_id: PathId, reset_id: PathId) -> Any:
        found = await service.slip(request.principal, user_id, reset_id)
        url = absolute_url(request, f"/reset/{found.code}") if found.code else ""
        response = page(request, "recovery/slip.html", slip=found, url=url,
                        reset_url=absolute_url(request, "/reset"),
                        display=service.display(found.code), qr=qr_svg(url) if url else "")
        # A live secret: no cache keeps the page.
        response.headers["Cache-Control"] = "no-store"
        return response


class OfficeController(Controller):
    """Where and when residents get a reset code: a small page of its own, which the
    community rules page can link to."""

    path = "/staff/community/office"
    opt = {auth.GUARD: auth.staff_required}
    include_in_schema = False

    async def _render(self, request: AppRequest, community_id: int,
                      errors: dict[str, str] | None = None,
                      values: dict[str, str] | None = None, status_code: int = 200) -> Any:
        office = await service.office(request.principal, community_id)
        return page(request, "recovery/office.html", status_code=status_code, office=office,
                    values=values or office, errors=errors or {})

    @get("/", name="office_contact")
    async def show(self, request: AppRequest,
                   community_id: FromQuery[str | None] = None) -> Any:
        me = request.principal
        return await self._render(request, query_id(community_id, _("Community"))
                                  or _default_community(me))

    @post("/")
    async def save(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        community_id = form.id("community_id", required=False, label=_("Community")) \
            or _default_community(request.principal)
        try:
            await service.set_office(
                request.principal, community_id, form.str("office_place", max_length=1000),
                form.str("office_phone", max_length=1000),
                form.str("office_hours", max_length=1000))
        except DomainError as exc:
            return await self._render(request, community_id, {exc.field or "form": exc.message},
                                      form.values(), refused(request, exc))
        return redirect(request, f"/staff/community/office?community_id={community_id}",
                        _("The office's contact details are saved."))


def _default_community(me: Principal) -> int:
    if me.staff_community_ids:
        return min(me.staff_community_ids)
    return me.community_id

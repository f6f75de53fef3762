"""The privacy notice (public), agreeing to a new version, and the staff page naming who
runs a community's site."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromQuery

from marketplace.activities.views import staff_community
from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.privacy import consents, notice
from marketplace.web import auth
from marketplace.web.forms import Form
from marketplace.web.params import PathId, query_id
from marketplace.web.render import next_path, page, redirect, refused, safe_path
from marketplace.web.request import AppRequest


async def notice_context(community_id: int | None) -> dict[str, Any]:
    """What the notice shows: one community's operator, or (no community known: an
    anonymous visitor) every community's, to choose from."""
    context: dict[str, Any] = {"version": notice.VERSION, "community_id": community_id,
                               "retention": await notice.retention(community_id)}
    if community_id is None:
        context["operators"] = await notice.operators()
    else:
        context["community_name"] = await notice.community_name(community_id)
        context["operator"] = await notice.operator(community_id)
    return context


class NoticeController(Controller):
    path = "/privacy"

    @get("/", name="privacy_notice")
    async def show(self, request: AppRequest, community: FromQuery[str | None] = None) -> Any:
        chosen = query_id(community, _("Community"))
        if chosen is None and request.user is not None:
            chosen = request.principal.community_id
        return page(request, "privacy/notice.html", **await notice_context(chosen))

    @get("/agree", name="privacy_agree_form", opt={auth.GUARD: auth.login_required})
    async def agree_form(self, request: AppRequest, next: FromQuery[str | None] = None) -> Any:
        return await self._agree_page(request, safe_path(next), None)

    @post("/agree", name="privacy_agree", opt={auth.GUARD: auth.login_required})
    async def agree(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        if not form.bool("agree"):
            return await self._agree_page(request, next_path(form), _(
                "Please tick the box to agree, or sign out if you do not agree."), 422)
        await consents.accept_notice(request.principal)
        return redirect(request, next_path(form), _("Thank you. You agreed to the privacy "
                                                    "notice."))

    async def _agree_page(self, request: AppRequest, next_to: str, error: str | None,
                          status_code: int = 200) -> Any:
        me = request.principal
        previous = await consents.latest(me.user_id, consents.NOTICE)
        status = refused(request) if error else status_code
        return page(request, "privacy/agree.html", status_code=status, next=next_to,
                    errors={"agree": error} if error else {}, previous=previous,
                    **await notice_context(me.community_id))


class OperatorController(Controller):
    """Staff of a community (or an administrator) say who runs its site."""

    path = "/staff/privacy"
    opt = {auth.GUARD: auth.staff_required}

    async def _render(self, request: AppRequest, community_id: int,
                      errors: dict[str, str] | None = None,
                      values: dict[str, str] | None = None) -> Any:
        found = await notice.operator_settings(request.principal, community_id)
        current = found["operator"] or {}
        shown = {"name": current.get("name", ""), "contact": current.get("contact", "")}
        return page(request, "privacy/operator.html",
                    status_code=refused(request) if errors else 200,
                    community_id=community_id, community_name=found["community_name"],
                    values={**shown, **(values or {})}, errors=errors or {})

    @get("/", name="privacy_operator")
    async def index(self, request: AppRequest, community: FromQuery[str | None] = None) -> Any:
        requested = query_id(community, _("Community"))
        return await self._render(request, staff_community(request.principal, requested))

    @post("/{community_id:int}", name="privacy_operator_save")
    async def save(self, request: AppRequest, community_id: PathId) -> Any:
        form = await Form.read(request)
        try:
            await notice.set_operator(request.principal, community_id,
                                      form.str("name", max_length=notice.NAME_MAX),
                                      form.str("contact", max_length=notice.CONTACT_MAX))
        except DomainError as exc:
            return await self._render(request, community_id,
                                      {exc.field or "name": exc.message}, form.values())
        return redirect(request, f"/staff/privacy?community={community_id}",
                        _("Saved. The privacy notice now names this operator."))

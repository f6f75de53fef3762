"""Giving points to residents in need (from "My points"), and the staff page for 爱心帮扶:
who is in need, and the community's limits and expiry rule."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, get, post
from litestar.params import FromQuery

from marketplace.activities.views import UNPROCESSABLE, staff_community
from marketplace.care import service
from marketplace.community.views.picker import picked, picker_context
from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.web import auth
from marketplace.web.forms import Form
from marketplace.web.params import PathId, query_id
from marketplace.web.render import page, redirect
from marketplace.web.request import AppRequest


async def give_context(me: Principal) -> dict[str, Any]:
    """What the give form needs; "My points" includes the same form."""
    return {"in_need": await service.for_givers(me),
            "limits": await service.rules_of(me.community_id), "give_key": uuid.uuid4().hex}


class GiveController(Controller):
    path = "/points/give"
    opt = {auth.GUARD: auth.login_required}

    async def _form(self, request: AppRequest, errors: dict[str, str],
                    values: dict[str, str], status_code: int = 200) -> Any:
        ctx = await give_context(request.principal)
        # htmx swaps only 2xx answers: the form with its errors comes back as 200 there.
        status_code = 200 if request.wants_partial else status_code
        return page(request, "care/give.html", "care/_give.html", status_code=status_code,
                    give_errors=errors, give_values=values, **ctx)

    @get("/", name="give_form")
    async def form(self, request: AppRequest) -> Any:
        return await self._form(request, {}, {})

    @post("/", name="give")
    async def give(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        try:
            to_user = form.id("to_user", required=False, label=_("Resident"))
            if to_user is None:
                raise DomainError(_("Please choose one of the residents in need listed."),
                                  "to_user")
            amount = form.int("amount", label=_("Points"), minimum=1, maximum=100000)
            assert amount is not None
            key = "give:" + (form.str("key", max_length=64) or uuid.uuid4().hex)
            await service.give(request.principal, to_user, amount,
                               form.str("memo", max_length=200), key)
        except DomainError as exc:
            return await self._form(request, {exc.field or "amount": exc.message},
                                    form.values(), UNPROCESSABLE)
        return redirect(request, "/points", _("Thank you: your points were given."))


class StaffCareController(Controller):
    """The care services decide whose page it is: staff of the community, administrators."""

    path = "/staff/care"
    opt = {auth.GUARD: auth.staff_required}

    async def _render(self, request: AppRequest, community_id: int,
                      errors: dict[str, str] | None = None,
                      values: dict[str, str] | None = None, **picker: Any) -> Any:
        me = request.principal
        return page(request, "care/staff.html",
                    status_code=UNPROCESSABLE if errors else 200, community_id=community_id,
                    **await service.overview(me, community_id),
                    categories=[(k, _(v)) for k, v in service.CATEGORIES.items()],
                    effect=_(service.EFFECT),
                    errors=errors or {}, values=values or {}, **picker)

    @get("/", name="staff_care")
    async def index(self, request: AppRequest,
                    community: FromQuery[str | None] = None) -> Any:
        requested = query_id(community, _("Community"))
        return await self._render(request, staff_community(request.principal, requested))

    @post("/{community_id:int}/rules", name="staff_care_rules")
    async def rules(self, request: AppRequest, community_id: PathId) -> Any:
        form = await Form.read(request)
        try:
            values = [form.int(name, label=label) for name, label in (
                ("per_gift", _("Most points per gift")),
                ("per_month", _("Most points a person gives per month")),
                ("expiry_months", _("Months until points expire")))]
            approval_over = form.int("approval_over", required=False,
                                     label=_("Adjustments needing a second staff member"),
                                     minimum=0, maximum=service.MAX_LIMIT)
            await service.set_rules(request.principal, community_id,
                                    *(int(v or 0) for v in values),
                                    approval_over=approval_over)
        except DomainError as exc:
            return await self._render(request, community_id,
                                      {exc.field or "per_gift": exc.message}, form.values())
        return redirect(request, f"/staff/care?community={community_id}", _("Rules saved."))

    @post("/{community_id:int}/in-need", name="staff_care_mark")
    async def mark(self, request: AppRequest, community_id: PathId) -> Any:
        form = await Form.read(request)
        try:
            # Only a member of the community whose page this is (the picker's search).
            user_id = await picked(form, request.principal, community_id)
            await service.mark_in_need(request.principal, user_id,
                                       form.str("reason", max_length=300),
                                       category=form.str("category", max_length=16),
                                       consent=form.str("consent", max_length=8))
        except DomainError as exc:
            return await self._render(request, community_id,
                                      {exc.field or "reason": exc.message}, form.values(),
                                      **await picker_context(exc))
        return redirect(request, f"/staff/care?community={community_id}",
                        _("Marked as in need."))

    @post("/{community_id:int}/in-need/{user_id:int}/clear", name="staff_care_clear")
    async def clear(self, request: AppRequest, community_id: PathId,
                    user_id: PathId) -> Any:
        await service.clear_in_need(request.principal, user_id)
        return redirect(request, f"/staff/care?community={community_id}",
                        _("No longer listed as in need."))


class InNeedConsentController(Controller):
    """The resident withdraws the consent to being listed as in need (from Me)."""

    path = "/me/in-need"
    opt = {auth.GUARD: auth.login_required}

    @post("/withdraw", name="in_need_withdraw")
    async def withdraw(self, request: AppRequest) -> Any:
        await service.withdraw_consent(request.principal)  # not listed: 404
        return redirect(request, "/me#privacy", _("Your consent is withdrawn: you are no "
                                                  "longer listed as in need."))

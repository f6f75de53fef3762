"""Staff pages: the merchant queue (verify, decline, conversion rate), settlement; and the
printable settlement statement both sides open."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, get, post
from litestar.params import FromQuery

from marketplace import clock
from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.rewards import merchants, settlement
from marketplace.web import auth
from marketplace.web.forms import Form
from marketplace.web.params import PathId, query_id
from marketplace.web.render import page, redirect, refused
from marketplace.web.request import AppRequest


def _community(me: Principal, community_id: int | None) -> int:
    if community_id:
        return community_id
    return min(me.staff_community_ids) if me.staff_community_ids else me.community_id


def last_month() -> tuple[str, str]:
    """The first and last day of the previous local month, as the settle form proposes."""
    end = clock.today().replace(day=1) - timedelta(days=1)
    return end.replace(day=1).isoformat(), end.isoformat()


class StaffMerchantController(Controller):
    path = "/staff/merchants"
    opt = {auth.GUARD: auth.staff_required}

    @get("/", name="staff_merchants")
    async def queue(self, request: AppRequest,
                    community_id: FromQuery[str | None] = None) -> Any:
        me = request.principal
        cid = _community(me, query_id(community_id, _("Community")))
        return page(request, "rewards/staff.html", community_id=cid,
                    **await merchants.queue(me, cid))

    @post("/{merchant_id:int}/review", name="staff_merchant_review")
    async def review(self, request: AppRequest, merchant_id: PathId) -> Any:
        form = await Form.read(request)
        approve = form.str("decision") == "verify"
        try:
            rate = form.int("points_per_yuan", required=False, label=_("Points per yuan"))
            await merchants.review(request.principal, merchant_id, approve,
                                   form.str("reason", max_length=300), rate)
        except DomainError as exc:
            return redirect(request, "/staff/merchants", exc.message, "error")
        return redirect(request, "/staff/merchants",
                        _("Merchant verified.") if approve else _("Application declined."))

    @get("/{merchant_id:int}", name="staff_merchant")
    async def merchant(self, request: AppRequest, merchant_id: PathId) -> Any:
        return await _settle_page(request, merchant_id)

    @post("/{merchant_id:int}/rate", name="staff_merchant_rate")
    async def rate(self, request: AppRequest, merchant_id: PathId) -> Any:
        form = await Form.read(request)
        try:
            await merchants.set_rate(request.principal, merchant_id, form.int(
                "points_per_yuan", label=_("Points per yuan")) or 0)
        except DomainError as exc:
            return await _settle_page(request, merchant_id, {exc.field or "form": exc.message},
                                      form.values(), refused(request, exc))
        return redirect(request, f"/staff/merchants/{merchant_id}", _("Rate saved."))

    @post("/{merchant_id:int}/settle", name="staff_merchant_settle")
    async def settle(self, request: AppRequest, merchant_id: PathId) -> Any:
        form = await Form.read(request)
        try:
            start = form.date("start")
            end = form.date("end")
            if start is None or end is None:
                raise DomainError(_("Please enter both dates."), "start")
            settlement_id = await settlement.close_period(request.principal, merchant_id,
                                                          start, end)
        except DomainError as exc:
            return await _settle_page(request, merchant_id, {exc.field or "form": exc.message},
                                      form.values(), refused(request, exc))
        return redirect(request, f"/settlements/{settlement_id}", _("Period closed."))


async def _settle_page(request: AppRequest, merchant_id: int,
                       errors: dict[str, str] | None = None,
                       values: dict[str, str] | None = None, status_code: int = 200) -> Any:
    me = request.principal
    merchant = await merchants.require_staff(me, merchant_id)
    start, end = last_month()
    return page(request, "rewards/settle.html", status_code=status_code, merchant=merchant,
                errors=errors or {},
                values=values or {"start": start, "end": end},
                settlements=await settlement.of_merchant(me, merchant_id),
                unsettled=await settlement.unsettled_points(me, merchant_id))


class SettlementController(Controller):
    path = "/settlements"
    opt = {auth.GUARD: auth.login_required}

    @get("/{settlement_id:int}", name="settlement")
    async def show(self, request: AppRequest, settlement_id: PathId) -> Any:
        sheet = await settlement.sheet(request.principal, settlement_id)
        return page(request, "rewards/settlement.html", s=sheet.settlement, lines=sheet.lines,
                    can_pay=sheet.can_pay)

    @post("/{settlement_id:int}/paid", name="settlement_paid")
    async def paid(self, request: AppRequest, settlement_id: PathId) -> Any:
        form = await Form.read(request)
        try:
            await settlement.mark_paid(request.principal, settlement_id,
                                       form.str("note", max_length=200))
        except DomainError as exc:
            return redirect(request, f"/settlements/{settlement_id}", exc.message, "error")
        return redirect(request, f"/settlements/{settlement_id}", _("Marked as paid."))

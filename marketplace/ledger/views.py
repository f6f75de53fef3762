"""My points (balance, statement, CSV), the staff view of a member's points, and the API."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromQuery

from marketplace import clock, csvfile, paging, references
from marketplace.accounts import service as accounts
from marketplace.care.views import give_context
from marketplace.errors import DomainError, NotFound
from marketplace.i18n import _
from marketplace.ledger import corrections, expiry, rules, service, statements
from marketplace.web import auth
from marketplace.web.api_docs import API_ERRORS
from marketplace.web.forms import Form
from marketplace.web.params import PathId, query_day
from marketplace.web.render import csv_download, page, redirect, refused
from marketplace.web.request import AppRequest


@dataclass
class Filters:
    kind: str = ""
    date_from: str = ""
    date_to: str = ""
    error: str = ""

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """Dates are local (China) calendar days; ``date_to`` includes its whole day."""
        return clock.day_bounds(clock.parse_day(self.date_from),
                                clock.parse_day(self.date_to))

    def query(self) -> str:
        return f"kind={self.kind}&date_from={self.date_from}&date_to={self.date_to}"


def _filters(kind: str | None, date_from: str | None, date_to: str | None) -> Filters:
    f = Filters(kind=(kind or "").strip(), date_from=(date_from or "").strip()[:10],
                date_to=(date_to or "").strip()[:10])
    if f.kind and f.kind not in rules.TRANSFER_KINDS:
        f.kind, f.error = "", _("Unknown kind of transfer: showing all kinds.")
    try:
        f.bounds()
    except clock.BadDate:
        f.date_from, f.date_to = "", ""
        f.error = _("Please enter dates as YYYY-MM-DD: showing all dates.")
    return f


async def _lines(user_id: int, f: Filters) -> list[dict[str, Any]]:
    """The person's own statement, described."""
    start, end = f.bounds()
    return await _described(await service.statement(user_id, f.kind or None, start, end))


async def _page(user_id: int, f: Filters, before: int | None) -> paging.Page:
    """One page of the statement (the newest lines before ``before``), described."""
    start, end = f.bounds()
    found = await statements.page(user_id, f.kind or None, start, end, before)
    await _described(found.rows)
    return found


async def _described(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    await references.describe(lines)
    return lines


class PointsController(Controller):
    opt = {auth.GUARD: auth.login_required}

    @get("/points", name="points")
    async def points(self, request: AppRequest, kind: FromQuery[str | None] = None,
                     date_from: FromQuery[str | None] = None,
                     date_to: FromQuery[str | None] = None,
                     before: FromQuery[str | None] = None) -> Any:
        me = request.principal
        f = _filters(kind, date_from, date_to)
        lines = await _page(me.user_id, f, paging.cursor(before))
        return page(request, "ledger/points.html", "ledger/_statement.html",
                    balance=await service.balance(me.user_id), lines=lines.rows,
                    expiring=await expiry.next_expiry(me.user_id, service.now()),
                    older=lines.next_before, newest=before is not None, filters=f,
                    kinds=rules.TRANSFER_KINDS,
                    action="/points", csv_url="/points/statement.csv?" + f.query(),
                    give_errors={}, give_values={}, **await give_context(me))

    @get("/points/statement.csv", name="points_csv")
    async def statement_csv(self, request: AppRequest, kind: FromQuery[str | None] = None,
                            date_from: FromQuery[str | None] = None,
                            date_to: FromQuery[str | None] = None) -> Response:
        query_day(date_from), query_day(date_to)  # a wrong day is refused, not "all dates"
        lines = await _lines(request.principal.user_id, _filters(kind, date_from, date_to))
        header = [_("Time"), _("Kind"), _("Details"), _("Change"), _("Balance"),
                  _("From / to"), _("Memo")]
        rows = ([line["created_at"], rules.kind_name(line["kind"]), line["description"],
                 line["change"], line["running"], line["counterparty"], line["memo"]]
                for line in lines)
        return csv_download("points.csv", csvfile.document(header, rows))


class StaffPointsController(Controller):
    """A member's points for staff; the ledger service decides whose (staff of the
    member's community, administrators anywhere)."""

    path = "/staff/points"
    opt = {auth.GUARD: auth.staff_required}

    async def _render(self, request: AppRequest, user_id: int, f: Filters,
                      errors: dict[str, str] | None = None,
                      values: dict[str, str] | None = None, status_code: int = 200,
                      before: int | None = None) -> Any:
        service.require_staff(request.principal, await service.community_of_user(user_id))
        lines = await _page(user_id, f, before)
        return page(request, "ledger/staff_points.html", "ledger/_statement.html",
                    status_code=status_code,
                    member=await accounts.profile(request.principal, user_id),
                    balance=await service.balance(user_id),
                    expiring=await expiry.next_expiry(user_id, service.now()),
                    lines=lines.rows, older=lines.next_before, newest=before is not None,
                    filters=f,
                    kinds=rules.TRANSFER_KINDS, action=f"/staff/points/{user_id}",
                    csv_url=None, errors=errors or {}, values=values or {}, staff_view=True,
                    key=uuid.uuid4().hex, own=user_id == request.principal.user_id,
                    pending=await corrections.pending_adjustments(request.principal, user_id),
                    threshold=await corrections.approval_threshold(
                        await service.community_of_user(user_id)))

    @get("/{user_id:int}", name="staff_points")
    async def show(self, request: AppRequest, user_id: PathId,
                   kind: FromQuery[str | None] = None,
                   date_from: FromQuery[str | None] = None,
                   date_to: FromQuery[str | None] = None,
                   before: FromQuery[str | None] = None) -> Any:
        return await self._render(request, user_id, _filters(kind, date_from, date_to),
                                  before=paging.cursor(before))

    @post("/{user_id:int}/adjust", name="staff_points_adjust")
    async def adjust(self, request: AppRequest, user_id: PathId) -> Any:
        form = await Form.read(request)
        try:
            amount = form.int("amount", label=_("Points"), minimum=-100000, maximum=100000)
            assert amount is not None
            # The key comes with the form, so a double click posts one adjustment.
            key = "adjust:" + (form.str("key", max_length=64) or uuid.uuid4().hex)
            done = await corrections.adjust(request.principal, user_id, amount,
                                        form.str("reason", max_length=300), key)
        except DomainError as exc:
            # Re-rendering reads the statement, which refuses staff of other communities.
            # The key is a hidden field: a refusal of it is shown above the form.
            field = exc.field if exc.field in ("amount", "reason") else "form"
            return await self._render(request, user_id, Filters(),
                                      {field: exc.message}, form.values(),
                                      refused(request, exc))
        if done.get("pending"):
            return redirect(request, f"/staff/points/{user_id}",
                            _("Adjustment requested: another staff member must approve it."))
        return redirect(request, f"/staff/points/{user_id}", _("Adjustment recorded."))

    @post("/{user_id:int}/pending/{pending_id:int}/approve", name="staff_points_approve")
    async def approve(self, request: AppRequest, user_id: PathId, pending_id: PathId) -> Any:
        try:
            await corrections.approve_adjustment(request.principal, pending_id)
        except DomainError as exc:
            return redirect(request, f"/staff/points/{user_id}", exc.message, "error")
        return redirect(request, f"/staff/points/{user_id}", _("Adjustment approved."))

    @post("/{user_id:int}/pending/{pending_id:int}/decline", name="staff_points_decline")
    async def decline(self, request: AppRequest, user_id: PathId, pending_id: PathId) -> Any:
        try:
            await corrections.decline_adjustment(request.principal, pending_id)
        except DomainError as exc:
            return redirect(request, f"/staff/points/{user_id}", exc.message, "error")
        return redirect(request, f"/staff/points/{user_id}", _("Adjustment declined."))

    async def _line(self, request: AppRequest, user_id: int,
                    transfer_id: int) -> dict[str, Any]:
        for line in await service.member_statement(request.principal, user_id):
            if line["id"] == transfer_id:
                return line
        raise NotFound(_("No such transfer on this statement."))

    async def _confirm(self, request: AppRequest, user_id: int, line: dict[str, Any],
                       error: str | None = None, reason: str = "") -> Any:
        return page(request, "ledger/reverse.html", status_code=422 if error else 200,
                    member=await accounts.profile(request.principal, user_id), line=line,
                    error=error, reason=reason)

    @get("/{user_id:int}/reverse/{transfer_id:int}", name="staff_points_reverse_confirm")
    async def reverse_confirm(self, request: AppRequest, user_id: PathId,
                              transfer_id: PathId) -> Any:
        return await self._confirm(request, user_id,
                                   await self._line(request, user_id, transfer_id))

    @post("/{user_id:int}/reverse/{transfer_id:int}", name="staff_points_reverse")
    async def reverse(self, request: AppRequest, user_id: PathId,
                      transfer_id: PathId) -> Any:
        # Only a line of this member's statement: the URL names whose page to go back to.
        line = await self._line(request, user_id, transfer_id)
        form = await Form.read(request)
        reason = form.str("reason", max_length=300).strip()
        try:
            await corrections.reverse(request.principal, transfer_id, reason)
        except DomainError as exc:
            return await self._confirm(request, user_id, line, exc.message, reason)
        return redirect(request, f"/staff/points/{user_id}", _("Transfer reversed."))


class BalanceOut(msgspec.Struct):
    balance: int
    held: int
    available: int


class StatementLineOut(msgspec.Struct):
    id: int
    created_at: datetime
    kind: str
    reference: str
    change: int
    running_balance: int
    memo: str


# The statement's kinds for the API schema, from the ledger's own list: an unknown kind is
# refused (400) rather than ignored.
TransferKind = enum.Enum("TransferKind", {k: k for k in rules.TRANSFER_KINDS}, type=str)


class PointsApiController(Controller):
    path = "/api/me"
    opt = {auth.GUARD: auth.login_required}
    include_in_schema = True  # the app leaves its HTML pages out of the OpenAPI schema

    @get("/balance", name="api_balance", responses=API_ERRORS)
    async def balance(self, request: AppRequest) -> BalanceOut:
        b = await service.balance(request.principal.user_id)
        return BalanceOut(balance=b.balance, held=b.held, available=b.available)

    @get("/statement", name="api_statement", responses=API_ERRORS)
    async def statement(self, request: AppRequest, kind: FromQuery[TransferKind | None] = None,
                        date_from: FromQuery[str | None] = None,
                        date_to: FromQuery[str | None] = None) -> list[StatementLineOut]:
        query_day(date_from), query_day(date_to)  # a wrong day is a 400, not "all dates"
        f = _filters(kind.value if kind else None, date_from, date_to)
        lines = await _lines(request.principal.user_id, f)
        return [StatementLineOut(id=x["id"], created_at=x["created_at"], kind=x["kind"],
                                 reference=x["reference"], change=x["change"],
                                 running_balance=x["running"], memo=x["memo"])
                for x in lines]

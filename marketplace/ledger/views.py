"""My points (balance, statement, CSV), the staff view of a member's points, and the API."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery

from marketplace.accounts import service as accounts
from marketplace.care.views import give_context
from marketplace.clock import LOCAL, local_time
from marketplace.errors import DomainError, NotFound
from marketplace.i18n import _
from marketplace.ledger import expiry, references, rules, service
from marketplace.web import auth
from marketplace.web.api_docs import API_ERRORS
from marketplace.web.forms import Form
from marketplace.web.params import PathId
from marketplace.web.render import page, redirect

PAGE_LINES = 500  # a statement page shows the newest lines; the CSV has them all


@dataclass
class Filters:
    kind: str = ""
    date_from: str = ""
    date_to: str = ""
    error: str = ""

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """Dates are local (China) calendar days; ``date_to`` includes its whole day."""
        start = _day(self.date_from)
        end = _day(self.date_to)
        return start, end + timedelta(days=1) if end else None

    def query(self) -> str:
        return f"kind={self.kind}&date_from={self.date_from}&date_to={self.date_to}"


def _day(raw: str) -> datetime | None:
    if not raw:
        return None
    d = date.fromisoformat(raw)
    return datetime(d.year, d.month, d.day, tzinfo=LOCAL)


def _filters(kind: str | None, date_from: str | None, date_to: str | None) -> Filters:
    f = Filters(kind=(kind or "").strip(), date_from=(date_from or "").strip()[:10],
                date_to=(date_to or "").strip()[:10])
    if f.kind and f.kind not in rules.TRANSFER_KINDS:
        f.kind, f.error = "", _("Unknown kind of transfer: showing all kinds.")
    try:
        f.bounds()
    except ValueError:
        f.date_from, f.date_to = "", ""
        f.error = _("Please enter dates as YYYY-MM-DD: showing all dates.")
    return f


async def _lines(user_id: int, f: Filters) -> list[dict[str, Any]]:
    start, end = f.bounds()
    lines = await service.statement(user_id, f.kind or None, start, end)
    await references.describe(lines)
    return lines


class PointsController(Controller):
    guards = [auth.login_required]

    @get("/points", name="points")
    async def points(self, request: Request, kind: FromQuery[str | None] = None,
                     date_from: FromQuery[str | None] = None,
                     date_to: FromQuery[str | None] = None) -> Any:
        me = auth.require_user(request)
        f = _filters(kind, date_from, date_to)
        lines = await _lines(me.user_id, f)
        return page(request, "ledger/points.html", "ledger/_statement.html",
                    balance=await service.balance(me.user_id), lines=lines[:PAGE_LINES],
                    expiring=await expiry.next_expiry(me.user_id, service.now()),
                    more=len(lines) > PAGE_LINES, filters=f, kinds=rules.TRANSFER_KINDS,
                    action="/points", csv_url="/points/statement.csv?" + f.query(),
                    give_errors={}, give_values={},
                    **await give_context(me.user_id, me.community_id))

    @get("/points/statement.csv", name="points_csv")
    async def statement_csv(self, request: Request, kind: FromQuery[str | None] = None,
                            date_from: FromQuery[str | None] = None,
                            date_to: FromQuery[str | None] = None) -> Response:
        me = auth.require_user(request)
        lines = await _lines(me.user_id, _filters(kind, date_from, date_to))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([_("Time"), _("Kind"), _("Details"), _("Change"), _("Balance"),
                         _("From / to"), _("Memo")])
        for line in lines:
            writer.writerow([local_time(line["created_at"], "%Y-%m-%d %H:%M:%S"),
                             rules.kind_name(line["kind"]), _csv_safe(line["description"]),
                             line["change"], line["running"],
                             _csv_safe(line["counterparty"]), _csv_safe(line["memo"])])
        # The BOM makes Excel (common in community offices) read the file as UTF-8.
        return Response(content="\ufeff" + out.getvalue(), media_type="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="points.csv"'})


def _csv_safe(text: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


class StaffPointsController(Controller):
    path = "/staff/points"
    guards = [auth.staff_required]

    async def _render(self, request: Request, user_id: int, f: Filters,
                      errors: dict[str, str] | None = None,
                      values: dict[str, str] | None = None) -> Any:
        community_id = await service.community_of_user(user_id)
        auth.require_staff(request, community_id)
        member = await accounts.profile(request.principal, user_id)
        lines = await _lines(user_id, f)
        return page(request, "ledger/staff_points.html", "ledger/_statement.html",
                    member=member, balance=await service.balance(user_id),
                    expiring=await expiry.next_expiry(user_id, service.now()),
                    lines=lines[:PAGE_LINES], more=len(lines) > PAGE_LINES, filters=f,
                    kinds=rules.TRANSFER_KINDS, action=f"/staff/points/{user_id}",
                    csv_url=None, errors=errors or {}, values=values or {}, staff_view=True,
                    key=uuid.uuid4().hex)

    @get("/{user_id:int}", name="staff_points")
    async def show(self, request: Request, user_id: PathId,
                   kind: FromQuery[str | None] = None,
                   date_from: FromQuery[str | None] = None,
                   date_to: FromQuery[str | None] = None) -> Any:
        return await self._render(request, user_id, _filters(kind, date_from, date_to))

    @post("/{user_id:int}/adjust", name="staff_points_adjust")
    async def adjust(self, request: Request, user_id: PathId) -> Any:
        me = auth.require_staff(request, await service.community_of_user(user_id))
        form = await Form.read(request)
        try:
            amount = form.int("amount", label=_("Points"), minimum=-100000, maximum=100000)
            assert amount is not None
            # The key comes with the form, so a double click posts one adjustment.
            key = "adjust:" + (form.str("key", max_length=64) or uuid.uuid4().hex)
            await service.adjust(user_id, amount, me.user_id,
                                 form.str("reason", max_length=300), key)
        except DomainError as exc:
            return await self._render(request, user_id, Filters(),
                                      {exc.field or "form": exc.message}, form.values())
        return redirect(request, f"/staff/points/{user_id}", _("Adjustment recorded."))


    async def _line(self, request: Request, user_id: int, transfer_id: int) -> dict[str, Any]:
        auth.require_staff(request, await service.community_of_user(user_id))
        for line in await service.statement(user_id):
            if line["id"] == transfer_id:
                return line
        raise NotFound(_("No such transfer on this statement."))

    async def _confirm(self, request: Request, user_id: int, line: dict[str, Any],
                       error: str | None = None, reason: str = "") -> Any:
        return page(request, "ledger/reverse.html", status_code=422 if error else 200,
                    member=await accounts.profile(request.principal, user_id), line=line,
                    error=error, reason=reason)

    @get("/{user_id:int}/reverse/{transfer_id:int}", name="staff_points_reverse_confirm")
    async def reverse_confirm(self, request: Request, user_id: PathId,
                              transfer_id: PathId) -> Any:
        return await self._confirm(request, user_id,
                                   await self._line(request, user_id, transfer_id))

    @post("/{user_id:int}/reverse/{transfer_id:int}", name="staff_points_reverse")
    async def reverse(self, request: Request, user_id: PathId,
                      transfer_id: PathId) -> Any:
        me = auth.require_staff(request, await service.community_of_user(user_id))
        line = await self._line(request, user_id, transfer_id)
        form = await Form.read(request)
        reason = form.str("reason", max_length=300).strip()
        try:
            if not reason:
                raise DomainError(_("Please give the reason for the reversal."), "reason")
            await service.reverse(transfer_id, me.user_id, reason)
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


class PointsApiController(Controller):
    path = "/api/me"
    guards = [auth.login_required]

    @get("/balance", name="api_balance", responses=API_ERRORS)
    async def balance(self, request: Request) -> BalanceOut:
        me = auth.require_user(request)
        b = await service.balance(me.user_id)
        return BalanceOut(balance=b.balance, held=b.held, available=b.available)

    @get("/statement", name="api_statement", responses=API_ERRORS)
    async def statement(self, request: Request, kind: FromQuery[str | None] = None,
                        date_from: FromQuery[str | None] = None,
                        date_to: FromQuery[str | None] = None) -> list[StatementLineOut]:
        me = auth.require_user(request)
        lines = await _lines(me.user_id, _filters(kind, date_from, date_to))
        return [StatementLineOut(id=x["id"], created_at=x["created_at"], kind=x["kind"],
                                 reference=x["reference"], change=x["change"],
                                 running_balance=x["running"], memo=x["memo"])
                for x in lines]

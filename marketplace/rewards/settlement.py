"""The merchant's statement and the community's settlements with its merchants.

Closing a period claims the merchant's unsettled redemptions with one conditional UPDATE
(``settlement_id IS NULL``), so two staff closing at once cannot settle a redemption twice;
the claimed points move from the merchant's ledger account to the community's settled sink.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from marketplace import clock, db
from marketplace.audit import service as audit
from marketplace.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.ledger import rules as ledger_rules
from marketplace.ledger import service as ledger
from marketplace.notifications import service as notifications
from marketplace.principal import Principal
from marketplace.rewards import codes, merchants
from marketplace.rewards.tables import RedeemCode, Settlement

STATEMENT_COLUMNS = (RedeemCode.id, RedeemCode.code, RedeemCode.price, RedeemCode.redeemed_at,
                     RedeemCode.offer.title, RedeemCode.cashier.display_name,
                     RedeemCode.resident.display_name, RedeemCode.settlement_id)


@dataclass
class Statement:
    merchant: dict[str, Any]
    lines: list[dict[str, Any]]
    by_day: list[tuple[str, int, int]] = field(default_factory=list)  # day, count, points
    by_month: list[tuple[str, int, int]] = field(default_factory=list)
    total: int = 0


def _totals(lines: list[dict[str, Any]], fmt: str) -> list[tuple[str, int, int]]:
    sums: dict[str, list[int]] = {}
    for line in lines:
        key = clock.local_time(line["redeemed_at"], fmt)
        entry = sums.setdefault(key, [0, 0])
        entry[0] += 1
        entry[1] += line["price"]
    return [(k, v[0], v[1]) for k, v in sorted(sums.items(), reverse=True)]


async def _readable(actor: Principal, merchant_id: int) -> dict[str, Any]:
    """Members of the merchant and staff of its community read statements and settlements."""
    merchant = await merchants.get(merchant_id)
    if actor.can_staff(merchant["community"]):
        return merchant
    return await merchants.require_member(actor, merchant_id)


async def _redemptions(merchant_id: int, start: date | None,
                       end: date | None) -> list[dict[str, Any]]:
    query = RedeemCode.select(*STATEMENT_COLUMNS).where(
        (RedeemCode.merchant == merchant_id) & (RedeemCode.status == "redeemed"))
    since, until = clock.day_bounds(start, end)
    if since:
        query = query.where(RedeemCode.redeemed_at >= since)
    if until:
        query = query.where(RedeemCode.redeemed_at < until)
    return await query.order_by(RedeemCode.redeemed_at, ascending=False)


async def redemptions(actor: Principal, merchant_id: int, start: date | None = None,
                      end: date | None = None) -> list[dict[str, Any]]:
    """Redemptions newest first; ``start``/``end`` are local days, both included."""
    await _readable(actor, merchant_id)
    return await _redemptions(merchant_id, start, end)


async def statement(actor: Principal, merchant_id: int, start: date | None = None,
                    end: date | None = None) -> Statement:
    merchant = await _readable(actor, merchant_id)
    with db.custom_plans():  # a period of any length: a generic plan took 2x on 3 years
        lines = await _redemptions(merchant_id, start, end)
    return Statement(merchant=merchant, lines=lines, by_day=_totals(lines, "%Y-%m-%d"),
                     by_month=_totals(lines, "%Y-%m"), total=sum(x["price"] for x in lines))


async def close_period(actor: Principal, merchant_id: int, start: date, end: date) -> int:
    merchant = await merchants.get(merchant_id)
    if not actor.can_staff(merchant["community"]):
        raise Forbidden(_("Only staff of this community settle its merchants."))
    if end < start:
        raise DomainError(_("The end date is before the start date."), "end")
    if end >= clock.today():
        raise DomainError(_("A period can be closed once it is over: end it yesterday or "
                            "earlier."), "end")
    since, until = clock.day_bounds(start, end)
    async with db.transaction():
        rows = await Settlement.insert(Settlement(
            merchant=merchant_id, community=merchant["community"], period_start=start,
            period_end=end, points=0, points_per_yuan=merchant["points_per_yuan"],
            amount_fen=0, created_by=actor.user_id)).returning(Settlement.id)
        settlement_id = int(rows[0]["id"])
        claimed = await RedeemCode.update({RedeemCode.settlement_id: settlement_id}).where(
            (RedeemCode.merchant == merchant_id) & (RedeemCode.status == "redeemed")
            & RedeemCode.settlement_id.is_null()
            & (RedeemCode.redeemed_at >= since) & (RedeemCode.redeemed_at < until)
        ).returning(RedeemCode.price)
        points = sum(int(r["price"]) for r in claimed)
        if points == 0:
            raise Conflict(_("Nothing to settle: no unsettled redemptions in this period."),
                           "start")
        account = await ledger.merchant_account(merchant["community"], merchant_id)
        sink = await ledger.sink_account(ledger_rules.SETTLED, merchant["community"])
        transfer = await ledger.transfer(
            account["id"], sink["id"], points, "settle", f"settlement:{settlement_id}",
            actor.user_id, f"{merchant['name']} {start}–{end}", f"settle:{settlement_id}")
        await Settlement.update({
            Settlement.points: points, Settlement.redemptions: len(claimed),
            Settlement.amount_fen: codes.fen_for(points, merchant["points_per_yuan"]),
            Settlement.transfer_id: transfer["id"],
        }).where(Settlement.id == settlement_id)
        await audit.record(actor.user_id, merchant["community"], "settlement_closed",
                           "settlement", settlement_id,
                           f"{merchant['name']} {start}–{end}: {points}")
        fen = codes.fen_for(points, merchant["points_per_yuan"])
        await notifications.send(
            merchant["owner"], "settlement_closed", link=f"/settlements/{settlement_id}",
            name=merchant["name"], start=start.isoformat(), end=end.isoformat(),
            points=points, yuan=f"{fen // 100}.{fen % 100:02d}")
    return settlement_id


@dataclass
class Sheet:
    """A settlement statement as both sides print it."""

    settlement: dict[str, Any]
    lines: list[dict[str, Any]]
    can_pay: bool  # the reader may mark it paid: staff of the merchant's community


async def sheet(actor: Principal, settlement_id: int) -> Sheet:
    row = await Settlement.select(
        Settlement.all_columns(), Settlement.merchant.name, Settlement.merchant.address,
        Settlement.created_by.display_name, Settlement.paid_by.display_name,
        Settlement.community.name,
    ).where(Settlement.id == settlement_id).first()
    if row is None:
        raise NotFound(_("No such settlement."))
    await _readable(actor, row["merchant"])
    lines = await RedeemCode.select(*STATEMENT_COLUMNS).where(
        RedeemCode.settlement_id == settlement_id).order_by(RedeemCode.redeemed_at)
    return Sheet(row, lines, actor.can_staff(row["community"]))


async def mark_paid(actor: Principal, settlement_id: int, note: str = "") -> None:
    row = await Settlement.select().where(Settlement.id == settlement_id).first()
    if row is None:
        raise NotFound(_("No such settlement."))
    if not actor.can_staff(row["community"]):
        raise Forbidden(_("Only staff of this community settle its merchants."))
    async with db.transaction():
        paid = await Settlement.update({
            Settlement.status: "paid", Settlement.paid_at: clock.now(),
            Settlement.paid_by: actor.user_id, Settlement.paid_note: note.strip()[:200],
        }).where((Settlement.id == settlement_id) & (Settlement.status == "closed")).returning(
            Settlement.id)
        if not paid:
            raise Conflict(_("This settlement is already marked paid."))
        await audit.record(actor.user_id, row["community"], "settlement_paid", "settlement",
                           settlement_id, note.strip()[:200])
        merchant = await merchants.get(row["merchant"])
        await notifications.send(
            merchant["owner"], "settlement_paid", link=f"/settlements/{settlement_id}",
            name=merchant["name"], start=row["period_start"].isoformat(),
            end=row["period_end"].isoformat(), note=note.strip()[:200])


async def of_merchant(actor: Principal, merchant_id: int) -> list[dict[str, Any]]:
    """The merchant's settlements, newest first."""
    await _readable(actor, merchant_id)
    return await Settlement.select().where(Settlement.merchant == merchant_id).order_by(
        Settlement.id, ascending=False)


async def unsettled_points(actor: Principal, merchant_id: int) -> int:
    """Points the merchant received that no settlement has claimed yet."""
    await _readable(actor, merchant_id)
    rows = await RedeemCode.select(RedeemCode.price).where(
        (RedeemCode.merchant == merchant_id) & (RedeemCode.status == "redeemed")
        & RedeemCode.settlement_id.is_null())
    return sum(int(r["price"]) for r in rows)

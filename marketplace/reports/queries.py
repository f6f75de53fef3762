"""Read-side queries for the dashboard and the public page: counts, clocks, points, trends.

A ``Scope`` is a community (optionally one grid) and a period [start, end). Wish figures
count wishes posted in the period; point figures count transfers made in it; balances,
holds, escalations and disputes are the state right now.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from piccolo.query.functions.aggregate import Count, Sum

from marketplace import clock
from marketplace.accounts.tables import User
from marketplace.ledger import rules
from marketplace.ledger.tables import Account, Transfer
from marketplace.reports import figures
from marketplace.wishes.tables import Wish, WishClaim, WishEvent


@dataclass(frozen=True)
class Scope:
    community_id: int
    start: datetime
    end: datetime  # exclusive
    grid_id: int | None = None


def _wishes_where(scope: Scope) -> Any:
    where = ((Wish.community == scope.community_id) & (Wish.created_at >= scope.start)
             & (Wish.created_at < scope.end))
    if scope.grid_id:
        where &= Wish.grid == scope.grid_id
    return where


async def by_status(scope: Scope) -> dict[str, int]:
    rows = await Wish.select(Wish.status, Count()).where(_wishes_where(scope)).group_by(
        Wish.status)
    return {r["status"]: int(r["count"]) for r in rows}


async def by_category(scope: Scope) -> list[tuple[str, int]]:
    rows = await Wish.select(Wish.category.name, Count()).where(_wishes_where(scope)).group_by(
        Wish.category.name)
    pairs = [(r["category.name"], int(r["count"])) for r in rows]
    return sorted(pairs, key=lambda p: (-p[1], p[0]))


async def stage_times(scope: Scope) -> list[dict[str, float]]:
    """Per wish posted in the period: seconds spent in each finished stage."""
    where = ((WishEvent.wish.community == scope.community_id)
             & (WishEvent.wish.created_at >= scope.start)
             & (WishEvent.wish.created_at < scope.end))
    if scope.grid_id:
        where &= WishEvent.wish.grid == scope.grid_id
    rows = await WishEvent.select(
        WishEvent.wish, WishEvent.at, WishEvent.action, WishEvent.from_state,
        WishEvent.to_state,
    ).where(where).order_by(WishEvent.wish).order_by(WishEvent.at).order_by(WishEvent.id)
    per_wish: dict[int, list[figures.Event]] = defaultdict(list)
    for r in rows:
        per_wish[r["wish"]].append(figures.Event(r["at"], r["action"], r["from_state"],
                                                 r["to_state"]))
    return [figures.stage_seconds(events) for events in per_wish.values()]


async def open_issues(community_id: int, grid_id: int | None = None) -> dict[str, int]:
    """Right now: escalated open wishes, disputes waiting for staff, and wishes waiting on
    the street's queue (街道兜底: they stay the community's, counted here as escalated)."""
    base = Wish.community == community_id
    if grid_id:
        base &= Wish.grid == grid_id
    escalated = await Wish.count().where(
        base & (Wish.status == "open") & Wish.escalated_at.is_not_null())
    disputed = await Wish.count().where(base & (Wish.status == "disputed"))
    at_street = await Wish.count().where(
        base & (Wish.status == "open") & (Wish.street_status == "queued"))
    return {"escalated": escalated, "disputed": disputed, "at_street": at_street}


@dataclass(frozen=True)
class Points:
    issued: int
    returned: int
    redeemed: int
    settled: int
    expired: int
    held: int
    outstanding: int
    budget: int | None
    budget_left: int | None


def _period_transfers(scope: Scope) -> Any:
    """The community's transfers in the period, read through the index on (community,
    created_at); with a grid, those with a person of the grid on either side."""
    where = ((Transfer.community == scope.community_id)
             & (Transfer.created_at >= scope.start) & (Transfer.created_at < scope.end))
    if scope.grid_id:
        where &= ((Transfer.debit.owner.grid == scope.grid_id)
                  | (Transfer.credit.owner.grid == scope.grid_id))
    return where


async def _sum(where: Any) -> int:
    row = await Transfer.select(Sum(Transfer.amount, alias="total")).where(where).first()
    return int((row or {}).get("total") or 0)


async def _issuance(community_id: int) -> dict[str, Any] | None:
    return await Account.select(Account.id, Account.balance, Account.budget).where(
        Account.key == rules.account_key(rules.ISSUANCE, community_id)).first()


async def points(scope: Scope) -> Points:
    # Issued and returned are told by the issuance account's id, not by joining every
    # transfer to its two accounts for their kinds (a hash of the county's accounts).
    issuance = await _issuance(scope.community_id)
    issuance_id = issuance["id"] if issuance else -1
    where = _period_transfers(scope)
    rows = await Transfer.select(Transfer.kind, Sum(Transfer.amount, alias="total")).where(
        where & Transfer.kind.is_in(["redeem", "settle", "expire"])).group_by(Transfer.kind)
    by_kind = {r["kind"]: int(r["total"] or 0) for r in rows}
    people = (Account.community == scope.community_id) & (Account.kind == rules.PERSON)
    if scope.grid_id:
        people &= Account.owner.grid == scope.grid_id
    snapshot = await Account.select(Sum(Account.balance, alias="balance"),
                                    Sum(Account.held, alias="held")).where(people).first()
    budget = issuance["budget"] if issuance else None
    circulating = -int(issuance["balance"]) if issuance else 0
    return Points(
        issued=await _sum(where & (Transfer.debit == issuance_id)),
        returned=await _sum(where & (Transfer.credit == issuance_id)),
        redeemed=by_kind.get("redeem", 0),
        settled=by_kind.get("settle", 0),
        expired=by_kind.get("expire", 0),
        held=int((snapshot or {}).get("held") or 0),
        outstanding=int((snapshot or {}).get("balance") or 0),
        budget=budget,
        budget_left=None if budget is None else budget - circulating,
    )


async def active_people(scope: Scope) -> dict[str, int]:
    """Helpers who took a wish, residents who posted one, in the period."""
    claims = ((WishClaim.wish.community == scope.community_id)
              & (WishClaim.joined_at >= scope.start) & (WishClaim.joined_at < scope.end))
    if scope.grid_id:
        claims &= WishClaim.wish.grid == scope.grid_id
    helpers = await WishClaim.select(Count(distinct=[WishClaim.helper])).where(claims).first()
    residents = await Wish.select(Count(distinct=[Wish.owner])).where(
        _wishes_where(scope)).first()
    members = User.community == scope.community_id
    if scope.grid_id:
        members &= User.grid == scope.grid_id
    return {"helpers": int(helpers["count"]), "residents": int(residents["count"]),
            "members": await User.count().where(members & (User.is_active == True))}  # noqa: E712


@dataclass(frozen=True)
class Trend:
    labels: list[str]
    posted: list[int]
    confirmed: list[int]
    issued: list[int]


async def _trend_rows(community_id: int, grid_id: int | None,
                      since: datetime) -> tuple[list[Any], list[Any], list[Any]]:
    """Since ``since``: (moment, 1) per wish posted and per wish confirmed, (moment, points)
    per transfer from the issuance account."""
    wishes = (Wish.community == community_id) & (Wish.created_at >= since)
    done = ((WishEvent.wish.community == community_id) & (WishEvent.to_state == "confirmed")
            & (WishEvent.at >= since))
    issuance = await _issuance(community_id)
    issued = ((Transfer.community == community_id)
              & (Transfer.debit == (issuance["id"] if issuance else -1))
              & (Transfer.created_at >= since))
    if grid_id:
        wishes &= Wish.grid == grid_id
        done &= WishEvent.wish.grid == grid_id
        issued &= Transfer.credit.owner.grid == grid_id
    posted = [(r["created_at"], 1) for r in await Wish.select(Wish.created_at).where(wishes)]
    confirmed = [(r["at"], 1) for r in await WishEvent.select(WishEvent.at).where(done)]
    points = [(r["created_at"], r["amount"]) for r in await Transfer.select(
        Transfer.created_at, Transfer.amount).where(issued)]
    return posted, confirmed, points


def _trend(rows: tuple[list[Any], list[Any], list[Any]], starts: list[date],
           monthly: bool) -> Trend:
    posted, confirmed, issued = rows
    label = "%Y-%m" if monthly else "%m-%d"
    return Trend(labels=[s.strftime(label) for s in starts],
                 posted=figures.bucket_counts(posted, starts, monthly),
                 confirmed=figures.bucket_counts(confirmed, starts, monthly),
                 issued=figures.bucket_counts(issued, starts, monthly))


async def trend(community_id: int, grid_id: int | None, last: date, monthly: bool,
                count: int = 12) -> Trend:
    """Wishes posted, wishes confirmed and points issued per week or month."""
    starts = (figures.month_buckets(last, count) if monthly
              else figures.week_buckets(last, count))
    rows = await _trend_rows(community_id, grid_id, clock.day_start(starts[0]))
    return _trend(rows, starts, monthly)


async def trends(community_id: int, grid_id: int | None, last: date,
                 count: int = 12) -> tuple[Trend, Trend]:
    """The monthly and the weekly trend from one read (the months cover the weeks)."""
    months, weeks = figures.month_buckets(last, count), figures.week_buckets(last, count)
    rows = await _trend_rows(community_id, grid_id,
                             clock.day_start(min(months[0], weeks[0])))
    return _trend(rows, months, True), _trend(rows, weeks, False)

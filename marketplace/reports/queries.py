"""Read-side queries for the dashboard and the public page: counts, clocks, points, trends.

A ``Scope`` is a community (optionally one grid) and a period [start, end). Wish figures
count wishes posted in the period; point figures count transfers made in it; balances,
holds, escalations and disputes are the state right now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count, Sum

from marketplace import clock
from marketplace.accounts.tables import User
from marketplace.ledger import rules
from marketplace.ledger.tables import Account, Transfer
from marketplace.reports import figures, stages
from marketplace.wishes.tables import Wish, WishClaim


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


async def stage_samples(scope: Scope) -> dict[str, list[float]]:
    """Per stage: the seconds each wish posted in the period spent in it, if finished."""
    found = await stages.stage_samples([scope.community_id], scope.start, scope.end,
                                       scope.grid_id)
    return found[scope.community_id]


# The three "right now" counts in one read of the community's open and disputed wishes
# (the index on (community, status, id)).
OPEN_ISSUES_SQL = """
SELECT COUNT(CASE WHEN status = 'open' AND escalated_at IS NOT NULL THEN 1 END)
         AS escalated,
       COUNT(CASE WHEN status = 'disputed' THEN 1 END) AS disputed,
       COUNT(CASE WHEN status = 'open' AND street_status = 'queued' THEN 1 END) AS at_street
FROM wish WHERE community = {{}} AND status IN ('open', 'disputed'){grid}"""


async def open_issues(community_id: int, grid_id: int | None = None) -> dict[str, int]:
    """Right now: escalated open wishes, disputes waiting for staff, and wishes waiting on
    the street's queue (街道兜底: they stay the community's, counted here as escalated)."""
    sql = OPEN_ISSUES_SQL.format(grid=" AND grid = {}" if grid_id else "")
    rows = await Wish.raw(sql, community_id, *([grid_id] if grid_id else []))
    return {k: int(rows[0][k] or 0) for k in ("escalated", "disputed", "at_street")}


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


# The period's transfers of the community (index on (community, created_at)), summed by
# what they did in one read: issued and returned are told by the issuance account's id,
# not by joining every transfer to its two accounts for their kinds. With a grid, those
# with a person of the grid on either side.
PERIOD_POINTS_SQL = """
SELECT SUM(CASE WHEN t.debit = {{}} THEN t.amount ELSE 0 END) AS issued,
       SUM(CASE WHEN t.credit = {{}} THEN t.amount ELSE 0 END) AS returned,
       SUM(CASE WHEN t.kind = 'redeem' THEN t.amount ELSE 0 END) AS redeemed,
       SUM(CASE WHEN t.kind = 'settle' THEN t.amount ELSE 0 END) AS settled,
       SUM(CASE WHEN t.kind = 'expire' THEN t.amount ELSE 0 END) AS expired
FROM ledger_transfer t{grid_join}
WHERE t.community = {{}} AND t.created_at >= {{}} AND t.created_at < {{}}{grid_where}"""
GRID_JOIN = (" LEFT JOIN ledger_account da ON da.id = t.debit"
             " LEFT JOIN app_user du ON du.id = da.owner"
             " LEFT JOIN ledger_account ca ON ca.id = t.credit"
             " LEFT JOIN app_user cu ON cu.id = ca.owner")


async def _period_points(scope: Scope, issuance_id: int) -> dict[str, int]:
    grid = bool(scope.grid_id)
    sql = PERIOD_POINTS_SQL.format(grid_join=GRID_JOIN if grid else "",
                                   grid_where=" AND (du.grid = {} OR cu.grid = {})"
                                   if grid else "")
    args: list[Any] = [issuance_id, issuance_id, scope.community_id, scope.start, scope.end]
    rows = await Transfer.raw(sql, *(args + ([scope.grid_id] * 2 if grid else [])))
    return {k: int(v or 0) for k, v in rows[0].items()}


async def _issuance(community_id: int) -> dict[str, Any] | None:
    return await Account.select(Account.id, Account.balance, Account.budget).where(
        Account.key == rules.account_key(rules.ISSUANCE, community_id)).first()


async def points(scope: Scope) -> Points:
    issuance = await _issuance(scope.community_id)
    period = await _period_points(scope, issuance["id"] if issuance else -1)
    people = (Account.community == scope.community_id) & (Account.kind == rules.PERSON)
    if scope.grid_id:
        people &= Account.owner.grid == scope.grid_id
    snapshot = await Account.select(Sum(Account.balance, alias="balance"),
                                    Sum(Account.held, alias="held")).where(people).first()
    budget = issuance["budget"] if issuance else None
    circulating = -int(issuance["balance"]) if issuance else 0
    return Points(
        **period,
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


# The trends' three sources for one community since a moment: (moment, weight, tables,
# condition), and the tables and condition added for a grid (the wish's grid; for points,
# the receiving person's). Hand written so that the database counts each bucket
# (``bucket_totals``) instead of sending every row.
TREND_SOURCES = {
    "posted": ("w.created_at", "1", "wish w", "w.community = {} AND w.created_at >= {}",
               "", " AND w.grid = {}"),
    "confirmed": ("e.at", "1", "wish_event e",
                  "e.community = {} AND e.to_state = 'confirmed' AND e.at >= {}",
                  " JOIN wish w ON w.id = e.wish", " AND w.grid = {}"),
    "issued": ("t.created_at", "t.amount", "ledger_transfer t",
               "t.community = {} AND t.created_at >= {} AND t.debit = "
               "(SELECT id FROM ledger_account WHERE key = {})",
               " JOIN ledger_account a ON a.id = t.credit JOIN app_user u ON u.id = a.owner",
               " AND u.grid = {}"),
}


def bucket_sql(source: str, edge_sets: list[list[datetime]], grid: bool) -> str:
    """Per combination of buckets (one CASE per set of edges: -1 before the first edge or
    at/after the last), the number of rows or the sum of their weights."""
    moment, weight, tables, where, grid_join, grid_where = TREND_SOURCES[source]
    if grid:
        tables, where = tables + grid_join, where + grid_where
    cases = []
    for edges in edge_sets:
        whens = " ".join(f"WHEN {moment} < {{}} THEN {i - 1}" for i in range(len(edges)))
        cases.append(f"CASE {whens} ELSE -1 END")
    names = ", ".join(f"b{i}" for i in range(len(cases)))
    selected = ", ".join(f"{c} AS b{i}" for i, c in enumerate(cases))
    # Only this module's constants and numbers go into the text; values are parameters.
    return (f"SELECT '{source}' AS source, {selected}, SUM({weight}) AS total "  # noqa: S608
            f"FROM {tables} WHERE {where} GROUP BY {names}")


async def bucket_totals(community_id: int, grid_id: int | None, since: datetime,
                        edge_sets: list[list[datetime]]) -> dict[str, list[list[int]]]:
    """Per source, for each set of edges (n + 1 moments for n buckets), the totals per
    bucket: what ``figures.bucket_counts`` gives on the rows, counted by the database, the
    three sources in one statement."""
    sql, args = [], []
    for source in TREND_SOURCES:
        sql.append(bucket_sql(source, edge_sets, bool(grid_id)))
        args += [e for edges in edge_sets for e in edges] + [community_id, since]
        if source == "issued":
            args.append(rules.account_key(rules.ISSUANCE, community_id))
        if grid_id:
            args.append(grid_id)
    out = {source: [[0] * (len(edges) - 1) for edges in edge_sets]
           for source in TREND_SOURCES}
    for r in await Wish.raw(" UNION ALL ".join(sql), *args):
        for i, totals in enumerate(out[r["source"]]):
            b = int(r[f"b{i}"])
            if 0 <= b < len(totals):
                totals[b] += int(r["total"] or 0)
    return out


def _edges(starts: list[date], monthly: bool) -> list[datetime]:
    after = figures.add_months(starts[-1], 1) if monthly else starts[-1] + timedelta(weeks=1)
    return [clock.day_start(s) for s in [*starts, after]]


async def _trends(community_id: int, grid_id: int | None,
                  sets: list[tuple[list[date], bool]]) -> list[Trend]:
    """Wishes posted, wishes confirmed and points issued per bucket of each set."""
    edge_sets = [_edges(starts, monthly) for starts, monthly in sets]
    since = min(edges[0] for edges in edge_sets)
    found = await bucket_totals(community_id, grid_id, since, edge_sets)
    return [Trend(labels=[s.strftime("%Y-%m" if monthly else "%m-%d") for s in starts],
                  posted=found["posted"][i], confirmed=found["confirmed"][i],
                  issued=found["issued"][i]) for i, (starts, monthly) in enumerate(sets)]


async def trend(community_id: int, grid_id: int | None, last: date, monthly: bool,
                count: int = 12) -> Trend:
    """Wishes posted, wishes confirmed and points issued per week or month."""
    starts = (figures.month_buckets(last, count) if monthly
              else figures.week_buckets(last, count))
    return (await _trends(community_id, grid_id, [(starts, monthly)]))[0]


async def trends(community_id: int, grid_id: int | None, last: date,
                 count: int = 12) -> tuple[Trend, Trend]:
    """The monthly and the weekly trend from one read of each source."""
    months, weeks = figures.month_buckets(last, count), figures.week_buckets(last, count)
    monthly, weekly = await _trends(community_id, grid_id, [(months, True), (weeks, False)])
    return monthly, weekly

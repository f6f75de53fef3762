"""Read-side queries for the dashboard and the public page: counts, clocks, points, trends.

A ``Scope`` is a community (optionally one grid) and a period [start, end). Wish figures
count wishes posted in the period; point figures count transfers made in it; balances,
holds, escalations and disputes are the state right now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from marketplace import clock
from marketplace.accounts.tables import User
from marketplace.ledger import rules
from marketplace.ledger.tables import Account, Transfer
from marketplace.reports import figures, stages
from marketplace.wishes.tables import Wish


@dataclass(frozen=True)
class Scope:
    community_id: int
    start: datetime
    end: datetime  # exclusive
    grid_id: int | None = None


# The period's wishes counted by status and category in one read (the index on
# (community, created_at)): the status and category figures are its rows summed.
WISH_COUNTS_SQL = """
SELECT w.status, c.name AS category, COUNT(*) AS n
FROM wish w LEFT JOIN wish_category c ON c.id = w.category
WHERE w.community = {{}} AND w.created_at >= {{}} AND w.created_at < {{}}{grid}
GROUP BY w.status, c.name"""


@dataclass(frozen=True)
class WishCounts:
    status: dict[str, int]
    categories: list[tuple[str, int]]  # most wishes first, then by name


async def wish_counts(scope: Scope) -> WishCounts:
    sql = WISH_COUNTS_SQL.format(grid=" AND w.grid = {}" if scope.grid_id else "")
    rows = await Wish.raw(sql, *_scope_args(scope))
    status: dict[str, int] = {}
    categories: dict[str, int] = {}
    for r in rows:
        status[r["status"]] = status.get(r["status"], 0) + int(r["n"])
        categories[r["category"]] = categories.get(r["category"], 0) + int(r["n"])
    return WishCounts(status, sorted(categories.items(), key=lambda p: (-p[1], p[0])))


def _scope_args(scope: Scope) -> list[Any]:
    return [scope.community_id, scope.start, scope.end, *([scope.grid_id] if scope.grid_id
                                                          else [])]


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
# what they did in one read: issued and returned are told by the issuance account's id
# (found by its key), not by joining every transfer to its two accounts for their kinds.
# With a grid, those with a person of the grid on either side. Beside them, in the same
# statement, the issuance account's balance and budget and the people's balances now.
POINTS_SQL = """
WITH i AS (SELECT id, balance, budget FROM ledger_account WHERE key = {{}}),
p AS (
  SELECT SUM(CASE WHEN t.debit = (SELECT id FROM i) THEN t.amount ELSE 0 END) AS issued,
         SUM(CASE WHEN t.credit = (SELECT id FROM i) THEN t.amount ELSE 0 END) AS returned,
         SUM(CASE WHEN t.kind = 'redeem' THEN t.amount ELSE 0 END) AS redeemed,
         SUM(CASE WHEN t.kind = 'settle' THEN t.amount ELSE 0 END) AS settled,
         SUM(CASE WHEN t.kind = 'expire' THEN t.amount ELSE 0 END) AS expired
  FROM ledger_transfer t{grid_join}
  WHERE t.community = {{}} AND t.created_at >= {{}} AND t.created_at < {{}}{grid_where}),
s AS (
  SELECT SUM(a.balance) AS outstanding, SUM(a.held) AS held
  FROM ledger_account a{owner_join}
  WHERE a.community = {{}} AND a.kind = {{}}{owner_where})
SELECT p.issued, p.returned, p.redeemed, p.settled, p.expired, s.outstanding, s.held,
       (SELECT balance FROM i) AS issuance_balance, (SELECT budget FROM i) AS budget
FROM p, s"""
GRID_JOIN = (" LEFT JOIN ledger_account da ON da.id = t.debit"
             " LEFT JOIN app_user du ON du.id = da.owner"
             " LEFT JOIN ledger_account ca ON ca.id = t.credit"
             " LEFT JOIN app_user cu ON cu.id = ca.owner")
PERIOD_SUMS = ("issued", "returned", "redeemed", "settled", "expired")


def points_sql(grid: bool) -> str:
    return POINTS_SQL.format(
        grid_join=GRID_JOIN if grid else "",
        grid_where=" AND (du.grid = {} OR cu.grid = {})" if grid else "",
        owner_join=" JOIN app_user u ON u.id = a.owner" if grid else "",
        owner_where=" AND u.grid = {}" if grid else "")


async def _issuance(community_id: int) -> dict[str, Any] | None:
    return await Account.select(Account.id, Account.balance, Account.budget).where(
        Account.key == rules.account_key(rules.ISSUANCE, community_id)).first()


async def points(scope: Scope) -> Points:
    """The period's point sums and the balances now, in one statement."""
    grid = [scope.grid_id] if scope.grid_id else []
    args: list[Any] = [rules.account_key(rules.ISSUANCE, scope.community_id),
                       scope.community_id, scope.start, scope.end, *grid * 2,
                       scope.community_id, rules.PERSON, *grid]
    row = (await Transfer.raw(points_sql(bool(scope.grid_id)), *args))[0]
    budget = None if row["budget"] is None else int(row["budget"])
    circulating = -int(row["issuance_balance"] or 0)
    return Points(
        **{k: int(row[k] or 0) for k in PERIOD_SUMS},
        held=int(row["held"] or 0),
        outstanding=int(row["outstanding"] or 0),
        budget=budget,
        budget_left=None if budget is None else budget - circulating,
    )


# Helpers who took a wish of the community in the period (the claim carries its wish's
# community: the index on (community, joined_at, helper), not the county's claims of the
# period joined to the community's wishes), residents who posted one, and the
# community's active members, in one statement.
PEOPLE_SQL = """
SELECT (SELECT COUNT(DISTINCT c.helper) FROM wish_claim c{claim_join}
        WHERE c.community = {{}} AND c.joined_at >= {{}} AND c.joined_at < {{}}{grid})
         AS helpers,
       (SELECT COUNT(DISTINCT w.owner) FROM wish w
        WHERE w.community = {{}} AND w.created_at >= {{}} AND w.created_at < {{}}{grid})
         AS residents,
       (SELECT COUNT(*) FROM app_user u WHERE u.community = {{}} AND u.is_active = {{}}{members})
         AS members"""


async def active_people(scope: Scope) -> dict[str, int]:
    """Helpers who took a wish, residents who posted one, in the period; members now."""
    grid = bool(scope.grid_id)
    sql = PEOPLE_SQL.format(grid=" AND w.grid = {}" if grid else "",
                            claim_join=" JOIN wish w ON w.id = c.wish" if grid else "",
                            members=" AND u.grid = {}" if grid else "")
    g = [scope.grid_id] if grid else []
    row = (await User.raw(sql, *_scope_args(scope), *_scope_args(scope),
                          scope.community_id, True, *g))[0]
    return {k: int(row[k] or 0) for k in ("helpers", "residents", "members")}


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
    # Issued: the community's transfers since the moment (the index on (community,
    # created_at, debit, credit, kind, amount) alone), each weighing its amount if paid
    # by the issuance account, else nothing. As a condition on the debit, PostgreSQL
    # could not know the account (a sub-select) and read every transfer it ever paid.
    "issued": ("t.created_at",
               "CASE WHEN t.debit = (SELECT id FROM ledger_account WHERE key = {}) "
               "THEN t.amount ELSE 0 END", "ledger_transfer t",
               "t.community = {} AND t.created_at >= {}",
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
        args += [e for edges in edge_sets for e in edges]
        if source == "issued":  # its weight's parameter comes before the conditions'
            args.append(rules.account_key(rules.ISSUANCE, community_id))
        args += [community_id, since]
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

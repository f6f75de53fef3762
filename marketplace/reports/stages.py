"""The closed loop's clock over a period: the one definition the dashboard, the public
page and the street and district roll-ups share.

Per wish posted in the period, the seconds it spent in each stage. What a stage is, and
the SQL that reduces a wish's history to it, is ``wishes/stageclock.py`` (the confirming
step keeps a confirmed wish's durations on it with the same SQL); here it is read over a
period: the kept wishes' rows, the others' events. ``tests/reports/test_stage_clock.py``
holds both to the Python reduction (``figures.stage_seconds``) on varied histories, some
wishes kept and some not, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from marketplace import db
from marketplace.reports import figures
from marketplace.wishes import stageclock
from marketplace.wishes.tables import Wish

# A wish's events are written after it (its ``post`` in the transaction that creates
# it; the demo and the bench seeds date them from its creation on), so they are bounded
# by the period's start too (an event older than its wish would be left out, where the
# Python reduction would see it; none is ever written): for many wishes (the roll-ups) the
# index on (to_state, at) then skips the years before; for one community's, PostgreSQL
# probes the index on the event's wish (its whole history in the index) wish by wish.
# Only the wishes not yet kept are reduced from their events; the confirmed ones give
# the durations kept on them (``stageclock.keep``), one row each.
LIVE_WHERE = ("w.community IN ({ids}) AND w.created_at >= {{}} AND w.created_at < {{}}{grid}"
              " AND w.confirm_seconds IS NULL AND e.at >= {{}}")
KEPT_SQL = """SELECT w.community, w.id AS wish, {columns} FROM wish w
WHERE w.community IN ({ids}) AND w.created_at >= {{}} AND w.created_at < {{}}{grid}
  AND w.confirm_seconds IS NOT NULL"""


def stages_sql(ids: str, grid: bool, only: Iterable[str] = figures.STAGES) -> str:
    """The clock of the wishes of communities ``ids`` posted in a period (parameters:
    start, end, [grid], start, start, end, [grid])."""
    only = tuple(only)
    grid_sql = " AND w.grid = {}" if grid else ""
    live = stageclock.reduce_sql(LIVE_WHERE.format(ids=ids, grid=grid_sql), only)
    kept = KEPT_SQL.format(ids=ids, grid=grid_sql, columns=", ".join(
        f"w.{column} AS {stage}" if stage in only else f"NULL AS {stage}"
        for stage, column in stageclock.COLUMNS.items()))
    # Per community, each stage's seconds as one text ("12.5,3600.001"): a year's clock
    # is thousands of wishes, and a row each cost more to hand to Python than to read.
    # Each value has at most 15 significant digits (to the millisecond), so its text reads
    # back as the very same float on either database.
    lists = ", ".join(f"{float_list_sql(stage)} AS {stage}" for stage in figures.STAGES)
    # Only this module's constants and the ids' digits go into the text.
    return (f"SELECT community, {lists} FROM ("  # noqa: S608
            f"SELECT * FROM ({live}) live UNION ALL {kept}) u GROUP BY community")


def float_list_sql(column: str) -> str:
    """An aggregate of floating point ``column`` as text "1.5,0.25" (``parse_float_list``
    reads it back; NULLs are left out), on either database."""
    return (f"group_concat({column})" if db.is_sqlite()
            else f"string_agg({column}::text, ',')")


def parse_float_list(text: str | None) -> list[float]:
    return [float(v) for v in str(text or "").split(",") if v]


def id_list(community_ids: Iterable[int]) -> str:
    """Ints read from the database, written into a statement: one text per set of
    communities, the same on SQLite and PostgreSQL."""
    return ",".join(str(int(c)) for c in community_ids) or "0"


async def stage_samples(community_ids: Iterable[int], start: datetime, end: datetime,
                        grid_id: int | None = None, only: Iterable[str] = figures.STAGES,
                        ) -> dict[int, dict[str, list[float]]]:
    """Per community: the durations of each stage (``only`` those; the others stay
    empty), in seconds to the millisecond, over the wishes posted in [start, end),
    optionally of one grid. Every community asked for is in the answer."""
    ids, only = [int(c) for c in community_ids], tuple(only)
    out: dict[int, dict[str, list[float]]] = {c: {s: [] for s in figures.STAGES}
                                              for c in ids}
    if not any(s in figures.STAGES for s in only):
        return out
    grid = [grid_id] if grid_id else []
    args: list[Any] = [start, end, *grid, start, start, end, *grid]
    for r in await Wish.raw(stages_sql(id_list(ids), bool(grid_id), only), *args):
        out[r["community"]] = {stage: parse_float_list(r[stage])
                               for stage in figures.STAGES}
    return out


def summaries(samples: dict[str, list[float]]) -> list[figures.StageSummary]:
    """Count, median and 90th percentile of each stage, in ``figures.STAGES`` order."""
    out = []
    for stage in figures.STAGES:
        values = samples.get(stage, [])
        out.append(figures.StageSummary(stage, len(values), figures.median(values),
                                        figures.percentile(values, 90)))
    return out

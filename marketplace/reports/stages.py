"""The closed loop's clock, reduced where the rows are: the one definition the dashboard,
the public page and the street and district roll-ups share.

Per wish posted in the period, the seconds it spent in each stage, as
``figures.stage_seconds`` tells them from its history read in order (at, id):

- review: the first ``post`` → the first later event leaving ``pending``;
- claim: the first ``open`` → the first later ``claimed``;
- fulfil: the first ``fulfilled`` after some ``claimed`` → that fulfilment, counted from
  the last ``claimed`` before it (a claim given back and taken again restarts it);
- confirm: the first ``confirmed`` after some ``fulfilled`` → counted from the last
  ``fulfilled`` before it (a dispute in between counts: the resident waited).

A stage the wish has not finished is absent. ``tests/reports/test_stage_clock.py`` holds
the SQL to the Python reduction on varied histories, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from marketplace import db
from marketplace.reports import figures
from marketplace.wishes.tables import Wish

# Each stage: the mark of its start (over the events before each event, window
# ``before``: the first post or open, the latest claimed or fulfilled), and the event that
# ends it (the first of its kind with its start before it). Since ``at`` never decreases
# along (at, id), the first such event's moment is the smallest, and so is its start (a
# running MIN is constant, a running MAX only grows): plain MINs per wish pick both.
RULES = {
    "review": ("MIN", "e.action = 'post'", "posted", "from_state = 'pending'"),
    "claim": ("MIN", "e.to_state = 'open'", "opened", "to_state = 'claimed'"),
    "fulfil": ("MAX", "e.to_state = 'claimed'", "claimed", "to_state = 'fulfilled'"),
    "confirm": ("MAX", "e.to_state = 'fulfilled'", "fulfilled", "to_state = 'confirmed'"),
}
# A wish's events are written after it (its ``post`` in the transaction that creates
# it; the demo and the bench seeds date them from its creation on), so they are bounded
# by the period's start too (an event older than its wish would be left out, where the
# Python reduction would see it; none is ever written): for many wishes (the roll-ups) the
# index on (to_state, at) then skips the years before; for one community's, PostgreSQL
# probes the index on the event's wish (its whole history in the index) wish by wish.
STAGES_SQL = """
WITH e AS (
  SELECT w.community, e.wish, e.at, e.from_state, e.to_state, {marks}
  FROM wish w JOIN wish_event e ON e.wish = w.id
  WHERE w.community IN ({ids}) AND w.created_at >= {{}} AND w.created_at < {{}}{grid}
    AND e.at >= {{}} AND ({events})
  WINDOW before AS (PARTITION BY e.wish ORDER BY e.at, e.id
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)),
s AS (SELECT community, {ends} FROM e GROUP BY community, wish)
SELECT community, {seconds} FROM s WHERE COALESCE({finished}, NULL) IS NOT NULL"""

# The events each stage is told by. Reading only those of the stages asked for changes
# none of them (each mark and end looks at its own kind of event only) and spares the
# roll-ups, which show two stages, half the rows.
REVIEW_EVENTS = "e.action = 'post' OR e.from_state = 'pending'"
STATES = {"claim": ("open", "claimed"), "fulfil": ("claimed", "fulfilled"),
          "confirm": ("fulfilled", "confirmed")}


def _events(asked: list[str]) -> str:
    states = sorted({state for s in asked for state in STATES.get(s, ())})
    told = [REVIEW_EVENTS] if "review" in asked else []
    if states:
        told.append(f"e.to_state IN ({', '.join(repr(state) for state in states)})")
    return " OR ".join(told)


def stages_sql(ids: str, grid: bool, only: Iterable[str] = figures.STAGES) -> str:
    asked = [s for s in figures.STAGES if s in set(only)]
    if not asked:
        raise ValueError("no stage asked for")
    marks, ends = [], []
    for stage in asked:
        running, kind, mark, end = RULES[stage]
        marks.append(f"{running}(CASE WHEN {kind} THEN e.at END) OVER before AS {mark}")
        ends.append(f"MIN(CASE WHEN {end} AND {mark} IS NOT NULL THEN at END) AS {stage}_end, "
                    f"MIN(CASE WHEN {end} THEN {mark} END) AS {stage}_start")
    return STAGES_SQL.format(
        ids=ids, grid=" AND w.grid = {}" if grid else "", events=_events(asked),
        marks=", ".join(marks), ends=", ".join(ends),
        seconds=", ".join(f"{_seconds(s)} AS {s}" if s in asked else f"NULL AS {s}"
                          for s in figures.STAGES),
        finished=", ".join(f"{s}_end" for s in asked))


def _seconds(stage: str) -> str:
    """To the millisecond (SQLite's date arithmetic is off by microseconds), rounded by
    the database, as a double: a year's wishes are thousands of values, and a Decimal or a
    Python ``round`` each cost more than the query to run."""
    seconds = db.seconds_sql(f"{stage}_end", f"{stage}_start")
    return f"CAST(ROUND(CAST({seconds} AS NUMERIC), 3) AS DOUBLE PRECISION)"


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
    args: list[Any] = [start, end, *([grid_id] if grid_id else []), start]
    for r in await Wish.raw(stages_sql(id_list(ids), bool(grid_id), only), *args):
        samples = out[r["community"]]
        for stage in figures.STAGES:
            if r[stage] is not None:
                samples[stage].append(r[stage])
    return out


def summaries(samples: dict[str, list[float]]) -> list[figures.StageSummary]:
    """Count, median and 90th percentile of each stage, in ``figures.STAGES`` order."""
    out = []
    for stage in figures.STAGES:
        values = samples.get(stage, [])
        out.append(figures.StageSummary(stage, len(values), figures.median(values),
                                        figures.percentile(values, 90)))
    return out

"""The closed loop's clock, reduced by the database from a wish's history: the one SQL
definition that the reports' clock (``reports/stages.py``, over a period's wishes) and the
confirming step (which keeps a confirmed wish's durations on the wish) both read.

Per wish, the seconds it spent in each stage, as ``reports.figures.stage_seconds`` tells
them from its history read in order (at, id):

- review: the first ``post`` → the first later event leaving ``pending``;
- claim: the first ``open`` → the first later ``claimed``;
- fulfil: the first ``fulfilled`` after some ``claimed`` → that fulfilment, counted from
  the last ``claimed`` before it (a claim given back and taken again restarts it);
- confirm: the first ``confirmed`` after some ``fulfilled`` → counted from the last
  ``fulfilled`` before it (a dispute in between counts: the resident waited).

A stage the wish has not finished is absent (NULL).

Kept on the wish (``Wish.review_seconds`` … ``confirm_seconds``): once a wish is
confirmed its history is final (a terminal state: no step follows), so its four figures
are written in the confirming transaction (``keep``) and a year's clock reads one row per
confirmed wish instead of reducing its events again. ``confirm_seconds`` set is the mark
of a kept wish (a confirmed wish always finished that stage); anything that rewrites a
confirmed wish's history (the demo and the tests dating it back) keeps it again.
"""

from __future__ import annotations

import functools

from marketplace import db, quickread

# Each stage: the mark of its start (over the events before each event, window
# ``before``: the first post or open, the latest claimed or fulfilled), and the event that
# ends it (the first of its kind with its start before it). Since ``at`` never decreases
# along (at, id), the first such event's moment is the smallest, and so is its start (a
# running MIN is constant, a running MAX only grows): plain MINs per wish pick both.
# The keys are the stages in order (``reports.figures.STAGES``).
RULES = {
    "review": ("MIN", "e.action = 'post'", "posted", "from_state = 'pending'"),
    "claim": ("MIN", "e.to_state = 'open'", "opened", "to_state = 'claimed'"),
    "fulfil": ("MAX", "e.to_state = 'claimed'", "claimed", "to_state = 'fulfilled'"),
    "confirm": ("MAX", "e.to_state = 'fulfilled'", "fulfilled", "to_state = 'confirmed'"),
}
# Where each stage's duration is kept on a confirmed wish.
COLUMNS = {stage: f"{stage}_seconds" for stage in RULES}

REDUCE_SQL = """
WITH e AS (
  SELECT w.community, e.wish, e.at, e.from_state, e.to_state, {marks}
  FROM wish w JOIN wish_event e ON e.wish = w.id
  WHERE {where} AND ({events})
  WINDOW before AS (PARTITION BY e.wish ORDER BY e.at, e.id
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)),
s AS (SELECT community, wish, {ends} FROM e GROUP BY community, wish)
SELECT community, wish, {seconds} FROM s WHERE COALESCE({finished}, NULL) IS NOT NULL"""

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


def reduce_sql(where: str, only: tuple[str, ...] = tuple(RULES)) -> str:
    """Per wish of ``wish w`` matching ``where`` (SQL over ``w`` and ``e``, the event;
    its values as ``{}`` parameters): community, wish and the seconds of each stage
    (those ``only``; the others NULL), wishes with none of them finished left out."""
    asked = [s for s in RULES if s in set(only)]
    if not asked:
        raise ValueError("no stage asked for")
    marks, ends = [], []
    for stage in asked:
        running, kind, mark, end = RULES[stage]
        marks.append(f"{running}(CASE WHEN {kind} THEN e.at END) OVER before AS {mark}")
        ends.append(f"MIN(CASE WHEN {end} AND {mark} IS NOT NULL THEN at END) AS {stage}_end, "
                    f"MIN(CASE WHEN {end} THEN {mark} END) AS {stage}_start")
    return REDUCE_SQL.format(
        where=where, events=_events(asked), marks=", ".join(marks), ends=", ".join(ends),
        seconds=", ".join(f"{_seconds(s)} AS {s}" if s in asked else f"NULL AS {s}"
                          for s in RULES),
        finished=", ".join(f"{s}_end" for s in asked))


def _seconds(stage: str) -> str:
    """To the millisecond (SQLite's date arithmetic is off by microseconds), rounded by
    the database, as a double: a year's wishes are thousands of values, and a Decimal or a
    Python ``round`` each cost more than the query to run."""
    seconds = db.seconds_sql(f"{stage}_end", f"{stage}_start")
    return f"CAST(ROUND(CAST({seconds} AS NUMERIC), 3) AS DOUBLE PRECISION)"


KEEP_SQL = """UPDATE wish SET {sets} FROM ({reduced}) r
WHERE wish.id = r.wish AND r.confirm IS NOT NULL"""


@functools.cache
def keep_sql(one: bool) -> str:
    where = "w.status = 'confirmed'" + (" AND w.id = {}" if one else "")
    return KEEP_SQL.format(sets=", ".join(f"{column} = r.{stage}"
                                          for stage, column in COLUMNS.items()),
                           reduced=reduce_sql(where))


# A confirmed wish's service (``WishService``): its helpers, from the claims active at
# confirmation, with the confirmation's moment and action and the wish's minutes. Its
# helpers never change once it is confirmed, so keeping a wish again (its history dated
# back) updates its rows in place (the unique index on (wish, helper)): one statement in
# the confirming transaction.
SERVICE_SQL = """INSERT INTO wish_service (wish, helper, community, confirmed_at, minutes, action)
SELECT w.id, c.helper, e.community, e.at, COALESCE(w.hours, 0), e.action
FROM wish_event e JOIN wish w ON w.id = e.wish JOIN wish_claim c ON c.wish = w.id
WHERE e.to_state = 'confirmed' AND w.status = 'confirmed' AND c.active = {{}}{where}
ON CONFLICT (wish, helper) DO UPDATE SET community = excluded.community,
  confirmed_at = excluded.confirmed_at, minutes = excluded.minutes, action = excluded.action"""


async def keep_service(wish_id: int | None = None) -> None:
    """Write who served a confirmed wish (``None``: every confirmed wish's, anew)."""
    if wish_id is None:
        await quickread.run("DELETE FROM wish_service")
        await quickread.run(SERVICE_SQL.format(where=""), True)
    else:
        await quickread.run(SERVICE_SQL.format(where=" AND w.id = {}"), True, wish_id)


async def keep(wish_id: int | None = None) -> None:
    """Write the durations of a confirmed wish (``None``: of every confirmed wish, the
    migration's backfill and bulk loads) from its history, and who served it."""
    await quickread.run(keep_sql(wish_id is not None),
                        *([wish_id] if wish_id is not None else []))
    await keep_service(wish_id)

"""Backfill the stage durations of every wish already confirmed, from its history.

A separate migration because Piccolo runs a migration's raw steps before its new columns.
The statement is the one the confirming step ran for one wish when this was written
(``wishes/stageclock.keep``), copied here so that a later change to the app's code cannot
change what this migration does; only the seconds between two moments are written per
database.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table


class RawTable(Table):
    """Only a handle on the engine for raw statements (never created)."""


KEEP_ALL = """UPDATE wish SET review_seconds = r.review, claim_seconds = r.claim,
  fulfil_seconds = r.fulfil, confirm_seconds = r.confirm FROM (
WITH e AS (
  SELECT w.community, e.wish, e.at, e.from_state, e.to_state,
    MIN(CASE WHEN e.action = 'post' THEN e.at END) OVER before AS posted,
    MIN(CASE WHEN e.to_state = 'open' THEN e.at END) OVER before AS opened,
    MAX(CASE WHEN e.to_state = 'claimed' THEN e.at END) OVER before AS claimed,
    MAX(CASE WHEN e.to_state = 'fulfilled' THEN e.at END) OVER before AS fulfilled
  FROM wish w JOIN wish_event e ON e.wish = w.id
  WHERE w.status = 'confirmed' AND (e.action = 'post' OR e.from_state = 'pending'
    OR e.to_state IN ('claimed', 'confirmed', 'fulfilled', 'open'))
  WINDOW before AS (PARTITION BY e.wish ORDER BY e.at, e.id
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)),
s AS (SELECT community, wish,
    MIN(CASE WHEN from_state = 'pending' AND posted IS NOT NULL THEN at END) AS review_end,
    MIN(CASE WHEN from_state = 'pending' THEN posted END) AS review_start,
    MIN(CASE WHEN to_state = 'claimed' AND opened IS NOT NULL THEN at END) AS claim_end,
    MIN(CASE WHEN to_state = 'claimed' THEN opened END) AS claim_start,
    MIN(CASE WHEN to_state = 'fulfilled' AND claimed IS NOT NULL THEN at END) AS fulfil_end,
    MIN(CASE WHEN to_state = 'fulfilled' THEN claimed END) AS fulfil_start,
    MIN(CASE WHEN to_state = 'confirmed' AND fulfilled IS NOT NULL THEN at END) AS confirm_end,
    MIN(CASE WHEN to_state = 'confirmed' THEN fulfilled END) AS confirm_start
  FROM e GROUP BY community, wish)
SELECT community, wish, {review} AS review, {claim} AS claim, {fulfil} AS fulfil,
  {confirm} AS confirm
FROM s WHERE COALESCE(review_end, claim_end, fulfil_end, confirm_end) IS NOT NULL) r
WHERE wish.id = r.wish AND r.confirm IS NOT NULL"""


def seconds(stage: str, sqlite: bool) -> str:
    """To the millisecond, as the clock reads it."""
    between = (f"((julianday({stage}_end) - julianday({stage}_start)) * 86400.0)" if sqlite
               else f"EXTRACT(EPOCH FROM ({stage}_end - {stage}_start))")
    return f"CAST(ROUND(CAST({between} AS NUMERIC), 3) AS DOUBLE PRECISION)"


async def keep_all() -> None:
    sqlite = RawTable._meta.db.engine_type == "sqlite"
    await RawTable.raw(KEEP_ALL.format(**{stage: seconds(stage, sqlite) for stage in (
        "review", "claim", "fulfil", "confirm")}))


ID = "2026-11-30T21:50:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "stage durations of the confirmed wishes"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="wishes", description=DESCRIPTION)
    manager.add_raw(keep_all)
    return manager

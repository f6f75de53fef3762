"""Covering indexes for the reports' reads of a period's wishes (issue 13).

The closed loop's clock (``reports/stages.py``) reads every event of the period's wishes
by the event's wish, in order (at, id); the honour roll finds the active helpers of the
period's confirmed wishes by the claim's wish. With every column those reads need in the
index, PostgreSQL answers them from the index alone, one probe per wish, instead of
hashing the community's whole history (or every claim of the county). Written in SQL
(composite index), the same statements on SQLite and PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T19:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "covering indexes for the stage clock and the honour roll"

INDEXES = {
    "wish_event_wish_history": '"wish_event" ("wish", "at", "id", "action", "from_state", '
                               '"to_state")',
    "wish_claim_wish_helper": '"wish_claim" ("wish", "active", "helper")',
}


class RawTable(Table):
    """Only a handle on the engine for raw statements (never created)."""


async def create_indexes() -> None:
    for name, target in INDEXES.items():
        await RawTable.raw(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


async def drop_indexes() -> None:
    for name in INDEXES:
        await RawTable.raw(f"DROP INDEX IF EXISTS {name}")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="wishes", description=DESCRIPTION)
    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager

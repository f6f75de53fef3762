"""Indexes for the reports' period reads of wish history.

The honour roll, the service record and the trends find confirmations by
(to_state, at); the dashboard's active helpers find a period's claims by joined_at. Both
were read by scanning the county's whole history. Written in SQL (composite index), the
same statements on SQLite and PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T13:20:02:000000"
VERSION = "1.38.0"
DESCRIPTION = "wish event and claim period indexes"

INDEXES = {
    "wish_event_to_state_at": '"wish_event" ("to_state", "at")',
    "wish_claim_joined_at": '"wish_claim" ("joined_at")',
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

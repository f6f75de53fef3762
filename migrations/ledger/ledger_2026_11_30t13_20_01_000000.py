"""Backfill the transfer's community from its debit account, and index a community's
transfers by time (the reports read one community's period) and by id (the CSV export
reads one community's transfers in keyset batches ordered by id).

A separate migration because Piccolo runs a migration's raw steps before its new columns.
Piccolo tables cannot declare a composite index, so it is written in SQL (the same
statements on SQLite and PostgreSQL).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T13:20:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "transfer community backfill and index"

INDEXES = {
    "ledger_transfer_community_created": '"ledger_transfer" ("community", "created_at")',
    "ledger_transfer_community_id": '"ledger_transfer" ("community", "id")',
}


class RawTable(Table):
    """Only a handle on the engine for raw statements (never created)."""


async def backfill() -> None:
    # Both accounts of a transfer are in one community (the ledger service refuses
    # anything else), so the debit account's community is the transfer's.
    await RawTable.raw(
        'UPDATE "ledger_transfer" SET "community" = (SELECT a."community" FROM '
        '"ledger_account" a WHERE a."id" = "ledger_transfer"."debit") '
        'WHERE "community" IS NULL')
    for name, target in INDEXES.items():
        await RawTable.raw(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


async def drop_indexes() -> None:
    for name in INDEXES:
        await RawTable.raw(f"DROP INDEX IF EXISTS {name}")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ledger", description=DESCRIPTION)
    manager.add_raw(backfill)
    manager.add_raw_backwards(drop_indexes)
    return manager

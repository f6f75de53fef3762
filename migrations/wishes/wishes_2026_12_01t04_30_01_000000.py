"""Backfill the claim's community from its wish, and index what the reports read of one
community's period: the helpers who took one of its wishes, by (community, joined_at,
helper), from the index alone instead of every claim of the county in the period joined
to the community's wishes (issue 13).

A separate migration because Piccolo runs a migration's raw steps before its new columns.
Piccolo tables cannot declare a composite index, so it is written in SQL (the same
statements on SQLite and PostgreSQL).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T04:30:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "wish claim community backfill and index"

INDEXES = {
    "wish_claim_community_joined": '"wish_claim" ("community", "joined_at", "helper")',
}


class RawTable(Table):
    """Only a handle on the engine for raw statements (never created)."""


async def backfill() -> None:
    await RawTable.raw(
        'UPDATE "wish_claim" SET "community" = (SELECT w."community" FROM "wish" w '
        'WHERE w."id" = "wish_claim"."wish") WHERE "community" IS NULL')
    for name, target in INDEXES.items():
        await RawTable.raw(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


async def drop_indexes() -> None:
    for name in INDEXES:
        await RawTable.raw(f"DROP INDEX IF EXISTS {name}")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="wishes", description=DESCRIPTION)
    manager.add_raw(backfill)
    manager.add_raw_backwards(drop_indexes)
    return manager

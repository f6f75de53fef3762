"""A covering index for the dashboard's and the public page's reads of a community's
period of wishes (issue 13): the wishes posted in it by status and category, the residents
who posted, the clock's kept durations and which wishes are not yet kept are read from the
index alone (for the wishes not changed since the last vacuum) instead of fetching each
wish: on the county's year the same ~190 pages of wishes were fetched four times per
dashboard. It replaces the narrower index it starts with (the same order, so every
statement that used it still can). Written in SQL (composite index), the same statements
on SQLite and PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T04:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "covering index for a community's period of wishes"

# name: (target, the index it replaces, that index's target)
INDEXES = {
    "wish_community_created_cover": (
        '"wish" ("community", "created_at", "status", "category", "owner", "grid",'
        ' "review_seconds", "claim_seconds", "fulfil_seconds", "confirm_seconds")',
        "wish_community_created", '"wish" ("community", "created_at")'),
}


class RawTable(Table):
    """Only a handle on the engine for raw statements (never created)."""


async def create_indexes() -> None:
    for name, (target, old, _old_target) in INDEXES.items():
        await RawTable.raw(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
        await RawTable.raw(f"DROP INDEX IF EXISTS {old}")


async def drop_indexes() -> None:
    for name, (_target, old, old_target) in INDEXES.items():
        await RawTable.raw(f"CREATE INDEX IF NOT EXISTS {old} ON {old_target}")
        await RawTable.raw(f"DROP INDEX IF EXISTS {name}")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="wishes", description=DESCRIPTION)
    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager

"""A composite index for the open-wishes list and the staff queues.

Both filter on community and status and order by id; with only the single-column indexes
PostgreSQL read many rows once a community had 100k+ wishes. Piccolo tables cannot declare
a composite index, so this migration writes it in SQL (the same statement on SQLite and
PostgreSQL).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T12:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "wish list composite index"

INDEX = "wish_community_status_id"


class RawTable(Table):
    """Only a handle on the engine for raw statements (never created)."""


async def create_index() -> None:
    await RawTable.raw(
        f'CREATE INDEX IF NOT EXISTS {INDEX} ON "wish" ("community", "status", "id")')


async def drop_index() -> None:
    await RawTable.raw(f"DROP INDEX IF EXISTS {INDEX}")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="wishes", description=DESCRIPTION)
    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager

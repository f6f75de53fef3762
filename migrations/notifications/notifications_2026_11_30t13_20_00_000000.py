"""A partial index for the unread count shown on every page.

Who is asking counts the person's unread notifications on every request; with only the
index on "user" that count read every notification the person ever had. The index holds
the unread ones only (the same statement on SQLite and PostgreSQL; Piccolo tables cannot
declare a partial index).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T13:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unread notifications partial index"

INDEX = "notification_unread_user"


class RawTable(Table):
    """Only a handle on the engine for raw statements (never created)."""


async def create_index() -> None:
    await RawTable.raw(
        f'CREATE INDEX IF NOT EXISTS {INDEX} ON "notification" ("user") '
        "WHERE read_at IS NULL")


async def drop_index() -> None:
    await RawTable.raw(f"DROP INDEX IF EXISTS {INDEX}")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="notifications",
                               description=DESCRIPTION)
    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager

"""A covering index for the dashboard's and the public page's count of a community's
active members (issue 13): PostgreSQL counts them from the index alone instead of
reading each member's row. Written in SQL (composite index), the same statements on
SQLite and PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T21:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "covering index for the count of a community's members"

INDEXES = {"app_user_community_members": '"app_user" ("community", "is_active", "grid")'}


class RawTable(Table):
    """Only a handle on the engine for raw statements (never created)."""


async def create_indexes() -> None:
    for name, target in INDEXES.items():
        await RawTable.raw(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


async def drop_indexes() -> None:
    for name in INDEXES:
        await RawTable.raw(f"DROP INDEX IF EXISTS {name}")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)
    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager

"""A covering index for the dashboard's and the public page's sums of a community's
period of transfers (issue 13): the point sums are read from the index alone (for the
transfers written before the last vacuum; transfers are never changed) instead of
fetching each transfer. The narrower index on (community, created_at) stays: without it
PostgreSQL read the points issued per month through the issuance account's index (every
transfer it ever made, 3.5x slower on the county). Written in SQL (composite index), the
same statements on SQLite and PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T04:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "covering index for a community's period of transfers"

NAME, TARGET = ("ledger_transfer_community_created_cover",
                '"ledger_transfer" ("community", "created_at", "debit", "credit", "kind",'
                ' "amount")')


class RawTable(Table):
    """Only a handle on the engine for raw statements (never created)."""


async def create_index() -> None:
    await RawTable.raw(f"CREATE INDEX IF NOT EXISTS {NAME} ON {TARGET}")


async def drop_index() -> None:
    await RawTable.raw(f"DROP INDEX IF EXISTS {NAME}")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ledger", description=DESCRIPTION)
    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager

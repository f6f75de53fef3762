"""A covering index for the dashboard's and the public page's sum of a community's
people's balances and holds (issue 13): PostgreSQL sums them from the index alone (for
the accounts not changed since the last vacuum) instead of reading each account's row.
Written in SQL (composite index), the same statements on SQLite and PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T21:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "covering index for the sum of a community's balances"

INDEXES = {"ledger_account_community_balances":
           '"ledger_account" ("community", "kind", "balance", "held")'}


class RawTable(Table):
    """Only a handle on the engine for raw statements (never created)."""


async def create_indexes() -> None:
    for name, target in INDEXES.items():
        await RawTable.raw(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


async def drop_indexes() -> None:
    for name in INDEXES:
        await RawTable.raw(f"DROP INDEX IF EXISTS {name}")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ledger", description=DESCRIPTION)
    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager

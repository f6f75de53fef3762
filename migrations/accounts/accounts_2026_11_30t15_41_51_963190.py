"""The public honour roll becomes opt-in (PIPL Art. 25): new helpers start unlisted, and
every existing helper starts unlisted too until they choose (their choice is recorded in
privacy_consent). Hand-written: Piccolo's column change fails on SQLite.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table


class RawTable(Table):
    """Only a handle on the engine for raw statements (never created)."""


async def unlist_everyone() -> None:
    if RawTable._meta.db.engine_type != "sqlite":  # SQLite cannot change a default; Piccolo's insert sets it
        await RawTable.raw(
            'ALTER TABLE "helper_profile" ALTER COLUMN "listed_on_honour_roll" SET DEFAULT false')
    await RawTable.raw('UPDATE "helper_profile" SET "listed_on_honour_roll" = {}', False)


ID = "2026-11-30T15:41:51:963190"
VERSION = "1.38.0"
DESCRIPTION = "honour roll opt-in"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="accounts", description=DESCRIPTION
    )

    manager.add_raw(unlist_everyone)
    return manager

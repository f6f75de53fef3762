"""Backfill the stage durations of every wish already confirmed, from its history.

A separate migration because Piccolo runs a migration's raw steps before its new columns.
The statement is the one the confirming step runs for one wish (``stageclock.keep``).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from marketplace.wishes import stageclock

ID = "2026-11-30T21:50:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "stage durations of the confirmed wishes"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="wishes", description=DESCRIPTION)
    manager.add_raw(stageclock.keep)
    return manager

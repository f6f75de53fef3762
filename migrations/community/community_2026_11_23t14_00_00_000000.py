"""Grid names unique per community and building names unique per grid, ignoring case.

The service refuses a duplicate name, but two requests at the same moment could both pass
its check. A unique index on ``lower(name)`` makes the database refuse the second one.
Piccolo tables cannot declare an expression index, so this migration writes it in SQL (the
same statements on SQLite and PostgreSQL). Duplicates that slipped in before are renamed
first ("Grid A (12)", the row's id) so the index can be built; the oldest keeps its name.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "case-insensitive unique place names"

# (table, the column a name must be unique within, index name)
INDEXES = (("grid", "community", "grid_community_name_ci"),
           ("building", "grid", "building_grid_name_ci"))


class RawTable(Table):
    """Only a handle on the engine for raw statements (never created)."""


async def create_indexes() -> None:
    for table, parent, index in INDEXES:
        await RawTable.raw(
            f'UPDATE "{table}" SET "name" = substr("name", 1, 80) || \' (\' '
            f'|| CAST("id" AS VARCHAR(20)) || \')\' '
            f'WHERE EXISTS (SELECT 1 FROM "{table}" AS earlier '
            f'WHERE earlier."{parent}" = "{table}"."{parent}" '
            f'AND lower(earlier."name") = lower("{table}"."name") '
            f'AND earlier."id" < "{table}"."id")')
        await RawTable.raw(
            f'CREATE UNIQUE INDEX IF NOT EXISTS {index} ON "{table}" ("{parent}", lower("name"))')


async def drop_indexes() -> None:
    for _table, _parent, index in INDEXES:
        await RawTable.raw(f"DROP INDEX IF EXISTS {index}")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="community", description=DESCRIPTION)
    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager

"""Category names unique per community, ignoring case (as grids and buildings are).

Piccolo tables cannot declare an expression index, so this migration writes it in SQL (the
same statements on SQLite and PostgreSQL). Duplicates made before are renamed first
("Repairs (12)", the row's id) so the index can be built; the oldest keeps its name.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T13:12:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "case-insensitive unique category names"

INDEX = "wish_category_community_name_ci"


class RawTable(Table):
    """Only a handle on the engine for raw statements (never created)."""


async def create_index() -> None:
    # The name column holds 60 characters: keep the suffix inside them.
    await RawTable.raw(
        'UPDATE "wish_category" SET "name" = substr("name", 1, 45) || \' (\' '
        '|| CAST("id" AS VARCHAR(20)) || \')\' '
        'WHERE EXISTS (SELECT 1 FROM "wish_category" AS earlier '
        'WHERE earlier."community" = "wish_category"."community" '
        'AND lower(earlier."name") = lower("wish_category"."name") '
        'AND earlier."id" < "wish_category"."id")')
    await RawTable.raw(
        f'CREATE UNIQUE INDEX IF NOT EXISTS {INDEX} ON "wish_category" '
        '("community", lower("name"))')


async def drop_index() -> None:
    await RawTable.raw(f"DROP INDEX IF EXISTS {INDEX}")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="wishes", description=DESCRIPTION)
    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager

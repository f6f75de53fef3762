"""The closed loop's durations kept on a confirmed wish (``wishes/stageclock.py``)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import DoublePrecision
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T21:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "stage durations on the wish"

STAGES = ("review", "claim", "fulfil", "confirm")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="wishes", description=DESCRIPTION)
    for stage in STAGES:
        manager.add_column(
            table_class_name="Wish",
            tablename="wish",
            column_name=f"{stage}_seconds",
            db_column_name=f"{stage}_seconds",
            column_class_name="DoublePrecision",
            column_class=DoublePrecision,
            params={
                "default": None,
                "null": True,
                "primary_key": False,
                "unique": False,
                "index": False,
                "index_method": IndexMethod.btree,
                "choices": None,
                "db_column_name": None,
                "secret": False,
            },
            schema=None,
        )
    return manager

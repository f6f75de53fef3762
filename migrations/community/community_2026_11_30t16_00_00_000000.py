from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "retention of photos, fulfilment notes and sessions (PIPL Art. 19)"

DEFAULTS = {"retention_photo_days": 180, "retention_note_days": 365,
            "retention_session_days": 30}


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="community", description=DESCRIPTION
    )
    # Existing communities get the defaults (the column default fills their rows).
    for name, default in DEFAULTS.items():
        manager.add_column(
            table_class_name="Community",
            tablename="community",
            column_name=name,
            db_column_name=name,
            column_class_name="Integer",
            column_class=Integer,
            params={
                "default": default,
                "null": False,
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

"""Escalation to the street (街道兜底): when a wish went to the street, and where it is.

street_status: '' never escalated to the street | queued (on the street's queue) |
assigned (the street gave it a helper) | returned (sent back to the community). Existing
wishes were never escalated: the defaults are right for them.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T16:00:05:000000"
VERSION = "1.38.0"
DESCRIPTION = "wish street escalation"


def _params(**extra: object) -> dict[str, object]:
    return {"primary_key": False, "unique": False, "index_method": IndexMethod.btree,
            "choices": None, "db_column_name": None, "secret": False, **extra}


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="wishes", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Wish", tablename="wish", column_name="street_escalated_at",
        db_column_name="street_escalated_at", column_class_name="Timestamptz",
        column_class=Timestamptz, params=_params(default=None, null=True, index=False),
        schema=None)
    manager.add_column(
        table_class_name="Wish", tablename="wish", column_name="street_status",
        db_column_name="street_status", column_class_name="Varchar", column_class=Varchar,
        params=_params(length=16, default="", null=False, index=True), schema=None)
    return manager

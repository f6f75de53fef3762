"""Who served each confirmed wish (``WishService``, written by ``wishes/stageclock.keep``),
backfilled from the confirmed wishes' history and claims, and the index the honour roll
reads a community's period through.

The table is created from a copy of its definition as it was when this was written, so
that a later change to the app's code cannot change what this migration does; so are the
backfill's statement and the composite index (Piccolo tables cannot declare one; the same
statements on SQLite and PostgreSQL).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import ForeignKey, Integer, OnDelete, Serial, Timestamptz, Varchar
from piccolo.table import Table

ID = "2026-12-01T00:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "who served each confirmed wish"


class User(Table, tablename="app_user"):
    id = Serial(primary_key=True)


class Community(Table, tablename="community"):
    id = Serial(primary_key=True)


class Wish(Table, tablename="wish"):
    id = Serial(primary_key=True)


class WishService(Table, tablename="wish_service"):
    id = Serial(primary_key=True)
    wish = ForeignKey(references=Wish, on_delete=OnDelete.cascade)
    helper = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    community = ForeignKey(references=Community, on_delete=OnDelete.restrict, null=True,
                           default=None)
    confirmed_at = Timestamptz()
    minutes = Integer(default=0)
    action = Varchar(length=20, default="")


INDEXES = (
    "CREATE INDEX IF NOT EXISTS wish_service_community_at ON "
    '"wish_service" ("community", "confirmed_at", "helper", "minutes")',
    "CREATE UNIQUE INDEX IF NOT EXISTS wish_service_wish_helper ON "
    '"wish_service" ("wish", "helper")')
BACKFILL = """INSERT INTO wish_service (wish, helper, community, confirmed_at, minutes, action)
SELECT w.id, c.helper, e.community, e.at, COALESCE(w.hours, 0), e.action
FROM wish_event e JOIN wish w ON w.id = e.wish JOIN wish_claim c ON c.wish = w.id
WHERE e.to_state = 'confirmed' AND w.status = 'confirmed' AND c.active = {}"""


async def create() -> None:
    await WishService.create_table(if_not_exists=True)
    for index in INDEXES:
        await WishService.raw(index)
    await WishService.raw("DELETE FROM wish_service")
    await WishService.raw(BACKFILL, True)


async def drop() -> None:
    await WishService.alter().drop_table(if_exists=True)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="wishes", description=DESCRIPTION)
    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager

"""Backfill ``wish_event.on_behalf_of`` for wishes staff posted for a resident before the
column existed (红色代办): their "post" event now says "done for … by …" like new ones, in
the reader's language, instead of the note written in the poster's language then.

A migration of its own: Piccolo runs a migration's raw steps before its column changes.
The same statements on SQLite and PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T13:15:26:000000"
VERSION = "1.38.0"
DESCRIPTION = "backfill posted on behalf"

# The note the old code wrote, in each language it could be written in.
OLD_NOTES = ("Posted on the resident's behalf.", "由社区工作者代居民发布。")


class RawTable(Table):
    """Only a handle on the engine for raw statements (never created)."""


async def backfill() -> None:
    await RawTable.raw(
        'UPDATE "wish_event" SET "on_behalf_of" = '
        '(SELECT "owner" FROM "wish" WHERE "wish"."id" = "wish_event"."wish") '
        'WHERE "action" = \'post\' AND "on_behalf_of" IS NULL AND "wish" IN '
        '(SELECT "id" FROM "wish" WHERE "posted_by" <> "owner")')
    await RawTable.raw(
        'UPDATE "wish_event" SET "note" = \'\' WHERE "action" = \'post\' '
        'AND "on_behalf_of" IS NOT NULL AND "note" IN ({}, {})', *OLD_NOTES)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="wishes", description=DESCRIPTION)
    manager.add_raw(backfill)
    return manager

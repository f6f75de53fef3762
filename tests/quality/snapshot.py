"""Every row of every table of the app, to show that a request wrote nothing.

The tables come from the Piccolo apps (``APP_REGISTRY``), so a new table is covered without
touching this file. One column is left out, see ``IGNORED_COLUMNS``.

Reading every row after every request costs time in proportion to the whole test
database (thousands of rows once the rest of the suite has run), so ``Watch`` first asks
the database for a cheap sign that changes with every write, and reads the rows only
when the sign moved.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from piccolo.querystring import QueryString
from piccolo.table import Table

from marketplace import db
from marketplace.piccolo_conf import APP_REGISTRY

# Columns that change on a refused request as on any other, so they are not compared:
# - web_session.last_seen_at: the auth middleware touches the asking session (at most once
#   a minute) before any route decides anything; that is sign-in bookkeeping, not data.
#   The session rows themselves are compared (none may appear or go away).
# login_attempt (throttling) is compared in full: only POST /login writes it, and no
# refused request here is a sign-in.
IGNORED_COLUMNS: dict[str, frozenset[str]] = {"web_session": frozenset({"last_seen_at"})}

Snapshot = dict[str, dict[Any, tuple[Any, ...]]]  # table -> primary key -> row


def tables() -> list[type[Table]]:
    return [table for app in APP_REGISTRY.app_configs.values()
            for table in app.table_classes]


async def _rows(table: type[Table]) -> dict[Any, tuple[Any, ...]]:
    name = table._meta.tablename
    ignored = IGNORED_COLUMNS.get(name, frozenset())
    columns = [c for c in table._meta.columns if c._meta.name not in ignored]
    key = table._meta.primary_key._meta.name
    rows = await table.select(*columns)
    return {row[key]: tuple(row.values()) for row in rows}


async def snapshot() -> Snapshot:
    return {table._meta.tablename: await _rows(table) for table in tables()}


def changes(before: Snapshot, after: Snapshot, ignore: frozenset[str] = frozenset()
            ) -> list[str]:
    """What differs, one line per row added, removed or changed (tables in ``ignore``
    are skipped)."""
    found: list[str] = []
    for name, rows in after.items():
        if name in ignore:
            continue
        old = before.get(name, {})
        found += [f"{name} +{key}: {rows[key]}" for key in rows.keys() - old.keys()]
        found += [f"{name} -{key}: {old[key]}" for key in old.keys() - rows.keys()]
        found += [f"{name} ~{key}: {old[key]} -> {rows[key]}"
                  for key in rows.keys() & old.keys() if rows[key] != old[key]]
    return found


class Watch:
    """The database as last seen, and what was written since.

    The sign: on SQLite, ``PRAGMA data_version`` on a connection of our own, which moves
    whenever another connection (the app's pool) commits; on PostgreSQL, each table's row
    count and newest row version (``xmin``: an insert or update makes a new one). Both
    move on any write, so an unmoved sign means nothing was written; a moved one (a write,
    or a session's last-seen touch) is looked into row by row.
    """

    def __init__(self) -> None:
        self._own: sqlite3.Connection | None = None
        self._sign: Any = None
        self.rows: Snapshot = {}

    async def start(self) -> None:
        if db.is_sqlite():
            self._own = sqlite3.connect(db.DB.path)
        self._sign = await self.sign()  # before the rows: a write in between shows later
        self.rows = await snapshot()

    def close(self) -> None:
        if self._own is not None:
            self._own.close()

    async def sign(self) -> Any:
        if self._own is not None:
            return self._own.execute("PRAGMA data_version").fetchone()[0]
        parts = [f"SELECT '{t._meta.tablename}' AS t, count(*) AS n, "
                 f"max(xmin::text::bigint) AS x FROM \"{t._meta.tablename}\""
                 for t in tables()]
        return await db.DB.run_querystring(QueryString(" UNION ALL ".join(parts)))

    async def written(self, ignore: frozenset[str] = frozenset()) -> list[str]:
        """The rows changed since the last call (or ``start``), tables in ``ignore`` aside."""
        sign = await self.sign()
        if sign == self._sign:
            return []
        rows = await snapshot()
        found = changes(self.rows, rows, ignore)
        self._sign, self.rows = sign, rows
        return found

"""Short reads on the hot path (who is asking, the wish list) without the thread hop.

On SQLite every statement Piccolo runs goes to aiosqlite's thread and back: two wake-ups
and a hand-over of the interpreter lock, which cost more than an indexed read itself (the
who-is-asking statement: ~15 µs in SQLite, ~100 µs through the hop; measured, issue 13).
``read`` runs such a statement here, on the event loop's own thread, on a connection kept
for that thread. Under WAL a reader neither waits for writers nor holds them up, so the
loop is not held up either; should the file be busy all the same (a crash being
recovered), it waits at most ``BUSY_TIMEOUT_S`` and then takes the ordinary path.

Only for short reads by an index that run on every request: a long query here would stop
every other request of the process while it runs. Inside a transaction (whose connection
may hold rows not yet committed) and on PostgreSQL, the statement takes the ordinary path.
Nothing is cached: every call reads the database, so a session ended by another process
is refused on the next request.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from typing import Any

from piccolo.querystring import QueryString

from marketplace import db

BUSY_TIMEOUT_S = 0.05

_here = threading.local()


@functools.lru_cache(maxsize=128)
def _sqlite_sql(sql: str, count: int) -> str:
    # Piccolo's placeholders are "{}" (QueryString); sqlite3's are "?".
    return sql.format(*("?",) * count)


def _dict_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    return {col[0]: row[i] for i, col in enumerate(cursor.description)}


def _connection() -> sqlite3.Connection:
    connection: sqlite3.Connection | None = getattr(_here, "connection", None)
    if connection is None:
        # The engine's own settings (column types converted as Piccolo's are), autocommit:
        # a read leaves no transaction open to hold back the WAL checkpoint.
        kwargs = {**db.DB.connection_kwargs, "timeout": BUSY_TIMEOUT_S,  # type: ignore[attr-defined]
                  "isolation_level": None}
        connection = sqlite3.connect(**kwargs)
        connection.row_factory = _dict_row
        _here.connection = connection
    return connection


def _forget_connection() -> None:
    connection = getattr(_here, "connection", None)
    _here.connection = None
    if connection is not None:
        connection.close()


def read_here(sql: str, args: tuple[Any, ...]) -> list[dict[str, Any]]:
    """SQLite: the statement on this thread's connection (raises ``sqlite3.Error``)."""
    return _connection().execute(_sqlite_sql(sql, len(args)), args).fetchall()


async def read(sql: str, *args: Any) -> list[dict[str, Any]]:
    """The rows of ``sql`` (Piccolo's "{}" placeholders, as ``Table.raw``) as dicts."""
    if db.is_sqlite() and not db.in_transaction():
        try:
            return read_here(sql, args)
        except sqlite3.OperationalError:
            _forget_connection()  # busy, or a broken connection: the ordinary path
    return [dict(row) for row in await db.DB.run_querystring(QueryString(sql, *args))]

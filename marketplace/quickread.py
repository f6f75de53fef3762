"""Short reads on the hot path (who is asking, the wish list) without the thread hop.

On SQLite every statement Piccolo runs goes to aiosqlite's thread and back: two wake-ups
and a hand-over of the interpreter lock, which cost more than an indexed read itself (the
who-is-asking statement: ~20 µs in SQLite, ~100 µs through the hop; measured, issue 13).
``read`` runs such a statement here, on the event loop's own thread, on a connection kept
for that thread. Under WAL a reader neither waits for writers nor holds them up, so the
loop is not held up either; should the file be busy all the same (a crash being
recovered), it waits at most ``BUSY_TIMEOUT_S`` and then takes the ordinary path.

Only for short reads by an index that run on every request: a long query here would stop
every other request of the process while it runs. Inside a transaction (whose connection
may hold rows not yet committed) and on PostgreSQL, the statement takes the ordinary path.
Nothing is cached: every call reads the database, so a session ended by another process
is refused on the next request.

The rows are what ``Table.raw`` gives on either database. SQLite hands back its stored
values (integers, text) and Piccolo converts them by each column's declared type, one
Python call per value — half the cost of the wish list's statement; here the caller names
the columns that need converting (``types``), and a test per query compares the two.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, overload

from piccolo.columns import Boolean, Column, Date, Timestamptz
from piccolo.querystring import QueryString
from piccolo.table import Table

from marketplace import db, loopwrite

BUSY_TIMEOUT_S = 0.05

Row = dict[str, Any]


def TIMESTAMPTZ(value: str) -> datetime:  # named after the column types, as SQL has them
    """A Timestamptz column as Piccolo reads it from SQLite (stored as UTC text)."""
    moment = datetime.fromisoformat(value)
    # Stored with "+00:00", it is UTC already: replace() (keyword call, new object) would
    # cost as much again, twenty times per wish list.
    return moment if moment.tzinfo is UTC else moment.replace(tzinfo=UTC)


def DATE(value: str) -> date:
    return date.fromisoformat(value)


def BOOLEAN(value: int) -> bool:
    return bool(value)


def types_of(table: type[Table], prefix: str = "") -> dict[str, Callable[[Any], Any]]:
    """The ``types`` that read ``table``'s columns (named ``prefix`` + column) as Piccolo
    reads them: its timestamps, dates and booleans (a plain read gives their stored text
    and 0/1; integers, reals and text need nothing)."""
    return {prefix + column._meta.db_column_name: _BY_COLUMN_TYPE[type(column)]
            for column in table._meta.columns if type(column) in _BY_COLUMN_TYPE}


_BY_COLUMN_TYPE: dict[type[Column], Callable[[Any], Any]] = {
    Timestamptz: TIMESTAMPTZ, Date: DATE, Boolean: BOOLEAN}

_here = threading.local()


@functools.lru_cache(maxsize=128)
def _sqlite_sql(sql: str, count: int) -> str:
    # Piccolo's placeholders are "{}" (QueryString); sqlite3's are "?".
    return sql.format(*("?",) * count)


def _forget_after_fork() -> None:
    # A forked child never uses its parent's SQLite connection (SQLite forbids it): it
    # leaves it unclosed and opens its own.
    global _here
    _here = threading.local()


os.register_at_fork(after_in_child=_forget_after_fork)


def _connection(typed: bool = False) -> sqlite3.Connection:
    name = "typed" if typed else "connection"
    connection: sqlite3.Connection | None = getattr(_here, name, None)
    if connection is None:
        # Stored values as they are (no converters: ``types`` does that) unless ``typed``
        # (Piccolo's converters, by declared column type), autocommit: a read leaves no
        # transaction open to hold back the WAL checkpoint.
        kwargs = db.DB.connection_kwargs  # type: ignore[attr-defined]
        connection = sqlite3.connect(kwargs["database"], timeout=BUSY_TIMEOUT_S,
                                     isolation_level=None,
                                     detect_types=kwargs["detect_types"] if typed else 0)
        setattr(_here, name, connection)
    return connection


def _forget_connection() -> None:
    for name in ("connection", "typed"):
        connection = getattr(_here, name, None)
        setattr(_here, name, None)
        if connection is not None:
            connection.close()


class Rows(Sequence[Row]):
    """A read's rows as the database gave them, each made a dict (its ``types`` columns
    converted) only when one is looked at. A page kept whole (web/kept.py) needs only the
    stored values for its key (``key``) and each card's age (``column``): a page already
    made never builds the dicts (~25 µs for the wish list's twenty-one)."""

    __slots__ = ("_dicts", "_types", "names", "values")

    def __init__(self, names: tuple[str, ...], values: list[tuple[Any, ...]],
                 types: Mapping[str, Callable[[Any], Any]]) -> None:
        self.names, self.values, self._types = names, values, types
        self._dicts: list[Row] | None = None

    @classmethod
    def of(cls, rows: list[Row]) -> Rows:
        """Rows already made into dicts (the ordinary path: converted by Piccolo)."""
        made = cls(tuple(rows[0]) if rows else (), [tuple(row.values()) for row in rows], {})
        made._dicts = rows
        return made

    def dicts(self) -> list[Row]:
        if self._dicts is None:
            # A cursor's rows are as long as its description: strict=True would check
            # each of them again (a third of the dicts' cost for the wish list).
            found = [dict(zip(self.names, row, strict=False)) for row in self.values]
            for name, convert in self._types.items():
                for row in found:
                    if row[name] is not None:
                        row[name] = convert(row[name])
            self._dicts = found
        return self._dicts

    def key(self) -> tuple[tuple[str, ...], tuple[tuple[Any, ...], ...]]:
        """Every column and stored value: the same key as long as the rows are the same."""
        return self.names, tuple(self.values)

    def column(self, name: str) -> list[Any]:
        """One column's values, converted, without making the rows' dicts."""
        if self._dicts is not None:
            return [row[name] for row in self._dicts]
        at, convert = self.names.index(name), self._types.get(name)
        if convert is None:
            return [row[at] for row in self.values]
        return [None if row[at] is None else convert(row[at]) for row in self.values]

    def __len__(self) -> int:
        return len(self.values)

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> Rows: ...

    def __getitem__(self, index: int | slice) -> Row | Rows:
        if isinstance(index, slice):
            part = Rows(self.names, self.values[index], self._types)
            if self._dicts is not None:
                part._dicts = self._dicts[index]
            return part
        if self._dicts is None:  # one row (a page's cursor): not all of them
            return Rows(self.names, [self.values[index]], self._types).dicts()[0]
        return self._dicts[index]

    def __iter__(self) -> Iterator[Row]:
        return iter(self.dicts())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # like the list it stands for

    def __repr__(self) -> str:
        return f"Rows({self.dicts()!r})"


def rows_here(sql: str, args: tuple[Any, ...],
              types: Mapping[str, Callable[[Any], Any]], typed: bool = False) -> Rows:
    """SQLite: the statement on this thread's connection (raises ``sqlite3.Error``)."""
    cursor = _connection(typed).execute(_sqlite_sql(sql, len(args)), args)
    values = cursor.fetchall()
    return Rows(tuple([column[0] for column in cursor.description]), values, types)


def read_here(sql: str, args: tuple[Any, ...],
              types: Mapping[str, Callable[[Any], Any]], typed: bool = False) -> list[Row]:
    """SQLite: the statement on this thread's connection (raises ``sqlite3.Error``)."""
    return rows_here(sql, args, types, typed).dicts()


def _loop_connection() -> loopwrite.LoopConnection | None:
    """The connection of the write transaction this task is in, when it runs on the
    loop's thread (``loopwrite``); else None."""
    transaction = db.DB.current_transaction.get()
    connection = getattr(transaction, "connection", None)
    return connection if isinstance(connection, loopwrite.LoopConnection) else None


async def run(sql: str, *args: Any) -> list[Row]:
    """A statement written once (a write step's update, insert or read; Piccolo's "{}"
    placeholders, plain values), answered as ``Table.raw`` answers it. In a write
    transaction on the loop's thread it goes straight to that connection: Piccolo took
    longer to compile each statement again (placeholders, each value checked) and to
    build each row (every column's name looked up again per row) than SQLite took to run
    it. Anywhere else it runs as ``Table.raw`` runs it."""
    connection = _loop_connection() if db.is_sqlite() else None
    if connection is not None:
        return await connection.fetch(_sqlite_sql(sql, len(args)), args)
    return [dict(row) for row in await db.DB.run_querystring(QueryString(sql, *args))]


async def read(sql: str, *args: Any,
               types: Mapping[str, Callable[[Any], Any]] | None = None,
               typed: bool = False) -> list[Row]:
    """The rows of ``sql`` (Piccolo's "{}" placeholders, as ``Table.raw``) as dicts.
    ``types``: the columns whose stored SQLite value is converted (``TIMESTAMPTZ``,
    ``DATE``, ``BOOLEAN``); other columns are integers, reals or text as stored.
    ``typed``: every column converted as ``Table.raw`` converts it (for a read of a few
    rows whose callers compare them with Piccolo's: costs a call per value)."""
    if db.is_sqlite() and not db.in_transaction():
        try:
            return read_here(sql, args, types or {}, typed)
        except sqlite3.OperationalError:
            _forget_connection()  # busy, or a broken connection: the ordinary path
    # In a transaction every column comes back converted, as Piccolo converts it.
    return await run(sql, *args)


async def read_rows(sql: str, *args: Any,
                    types: Mapping[str, Callable[[Any], Any]] | None = None) -> Rows:
    """``read``, as ``Rows``: the dicts are made only when the rows are looked at."""
    if db.is_sqlite() and not db.in_transaction():
        try:
            return rows_here(sql, args, types or {})
        except sqlite3.OperationalError:
            _forget_connection()  # busy, or a broken connection: the ordinary path
    return Rows.of(await run(sql, *args))

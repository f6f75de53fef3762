"""Short SQLite write transactions on the event loop's own thread (issue 13, writes).

Through aiosqlite every statement of a transaction — BEGIN, each query, COMMIT — is a trip
to the connection's thread and back, and each return waits for the event loop to resume
the coroutine, which on a busy loop takes longer than the statement (a claim: 6 trips of
~20–100 µs in SQLite, each waiting ms for the loop) while the process's write lock, and
SQLite's, stay held. Here the transaction runs on the loop's thread, on a connection kept
for that thread, without a single wait: the lock is held for the transaction's own CPU
time, and other requests wait for no more than that.

``db.transaction()`` takes this path for every write transaction on SQLite, inside the
process write lock. The connection waits for no one (busy timeout 0): when another process
holds SQLite's write lock, BEGIN IMMEDIATE fails at once and the transaction takes the
ordinary aiosqlite path, which waits for the file off the loop (so one process never
stalls its loop on another). Once BEGIN IMMEDIATE has succeeded nothing else can make a
WAL writer wait. A long transaction (a timer's batch, an import) would stop the loop
while it ran: after ``INLINE_STATEMENTS`` statements the rest of it goes to a worker
thread, one statement at a time, on the same connection.

Durability is SQLite's: WAL with ``synchronous=NORMAL`` on every connection (a commit
survives a crash of the process; a power cut may lose the last commits, never corrupt).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

# A commit that fills the WAL past 1,000 pages checkpoints it (SQLite's default), copying
# pages into the database file and syncing both: 5–45 ms on this machine's disk, which on
# the loop's thread would stop every request. The loop's connection never checkpoints;
# every CHECKPOINT_EVERY commits (~10 pages each) a worker thread does, PASSIVE (writers
# and readers carry on meanwhile).
CHECKPOINT_EVERY = 100
_checkpointing: set[asyncio.Task[None]] = set()

# Enough for any request's write (a confirm: 9 statements; a month's closing: dozens);
# a longer transaction hands the rest to a worker thread.
INLINE_STATEMENTS = 64

# Every write connection, here and in the pool (db.py): foreign keys enforced, and the
# durability the README promises (WAL with synchronous=NORMAL).
CONNECTION_PRAGMAS = ("PRAGMA foreign_keys = 1", "PRAGMA synchronous = NORMAL")

RowFactory = Callable[[sqlite3.Cursor, tuple[Any, ...]], Any]


class LoopConnection:
    """The part of aiosqlite's ``Connection`` a Piccolo transaction uses, run here."""

    def __init__(self, raw: sqlite3.Connection, path: str) -> None:
        self.raw = raw
        self.path = path
        self.statements = 0
        self.commits = 0

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    def _run(self, sql: str, args: Any) -> list[Any]:
        return self.raw.execute(sql, args).fetchall()

    async def execute_fetchall(self, sql: str, args: Any = ()) -> list[Any]:
        self.statements += 1
        if self.statements > INLINE_STATEMENTS:
            return await _to_thread(self._run, sql, args)
        return self._run(sql, args)

    def _rows(self, sql: str, args: Any) -> list[dict[str, Any]]:
        cursor = self.raw.cursor()
        cursor.row_factory = None  # the names once, not once per row and column
        rows = cursor.execute(sql, args).fetchall()
        if cursor.description is None:
            return []
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in rows]

    async def fetch(self, sql: str, args: Any = ()) -> list[dict[str, Any]]:
        """The rows of a statement written once (``quickread.run``: "?" placeholders), as
        dicts; its values converted as Piccolo's are (the connection's declared types)."""
        self.statements += 1
        if self.statements > INLINE_STATEMENTS:
            return await _to_thread(self._rows, sql, args)
        return self._rows(sql, args)

    async def execute(self, sql: str, args: Any = ()) -> None:
        # BEGIN/COMMIT/ROLLBACK/SAVEPOINT from Piccolo's transaction: nothing to return.
        await self.execute_fetchall(sql, args)
        if sql == "COMMIT":
            self.commits += 1
            if self.commits % CHECKPOINT_EVERY == 0:
                _checkpoint_soon(self.path)

    async def close(self) -> None:
        self.raw.close()


async def _to_thread(run: Callable[..., list[Any]], *args: Any) -> list[Any]:
    statement = asyncio.ensure_future(asyncio.to_thread(run, *args))
    try:
        return await asyncio.shield(statement)
    except asyncio.CancelledError:
        # The rollback that follows must not run on the connection while the statement
        # still does, on the worker thread.
        await asyncio.wait([statement])
        raise


def _checkpoint(path: str) -> None:
    with contextlib.closing(sqlite3.connect(path, timeout=0)) as connection:
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)")


async def _checkpoint_quietly(path: str) -> None:
    with contextlib.suppress(sqlite3.Error):  # busy: the next one catches up
        await asyncio.to_thread(_checkpoint, path)


def _checkpoint_soon(path: str) -> None:
    loop = asyncio.get_running_loop()
    if any(task.get_loop() is loop for task in _checkpointing):  # one at a time
        return
    task = loop.create_task(_checkpoint_quietly(path))
    _checkpointing.add(task)
    task.add_done_callback(_checkpointing.discard)


_here = threading.local()


def _forget_after_fork() -> None:
    # SQLite forbids using a parent's connection in a forked child: open a new one there.
    global _here
    _here = threading.local()


os.register_at_fork(after_in_child=_forget_after_fork)


def _connection(kwargs: dict[str, Any], row_factory: RowFactory) -> LoopConnection:
    connection: LoopConnection | None = getattr(_here, "connection", None)
    if connection is not None and connection.path != kwargs["database"]:
        forget()  # another engine's file
        connection = None
    if connection is None:
        raw = sqlite3.connect(**{**kwargs, "timeout": 0, "isolation_level": None,
                                 "check_same_thread": False})
        raw.row_factory = row_factory
        for pragma in CONNECTION_PRAGMAS:
            raw.execute(pragma)
        raw.execute("PRAGMA wal_autocheckpoint = 0")  # checkpoints off the loop: below
        connection = LoopConnection(raw, kwargs["database"])
        _here.connection = connection
    return connection


def begin(kwargs: dict[str, Any], row_factory: RowFactory) -> LoopConnection | None:
    """A connection on this thread with BEGIN IMMEDIATE done, or None when the file is
    busy (another process writing) or the connection broken: take the ordinary path."""
    try:
        connection = _connection(kwargs, row_factory)
        if connection.in_transaction:  # left open by a failure: start clean
            connection.raw.execute("ROLLBACK")
        connection.raw.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as error:
        if getattr(error, "sqlite_errorcode", None) != sqlite3.SQLITE_BUSY:
            forget()  # broken: a new one next time; a busy one is kept
        return None
    connection.statements = 0
    return connection


def forget() -> None:
    """Close this thread's connection (after a failed COMMIT or ROLLBACK)."""
    connection: LoopConnection | None = getattr(_here, "connection", None)
    _here.connection = None
    if connection is not None:
        connection.raw.close()

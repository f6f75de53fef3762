"""Database engine choice and transactions.

SQLite (the default) gets a small engine subclass that keeps connections open in a pool,
serialises writers inside the process, and closes connections whose BEGIN/COMMIT failed
(Piccolo 1.38 leaks them, which hangs the process at exit). PostgreSQL uses Piccolo's
engine with its connection pool, started and stopped by the app's lifespan, and a
request's statements on one connection (``postgres.py``, ``request_connection``).

Every service that writes more than one row wraps the work in ``transaction()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import zlib
from collections.abc import AsyncIterator, Awaitable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType
from piccolo.querystring import QueryString
from piccolo.table import Table

from marketplace import loopwrite, postgres
from marketplace import settings as settings_module

try:  # PostgreSQL's unique violation; the driver is installed with the project
    from asyncpg.exceptions import UniqueViolationError
except ImportError:  # pragma: no cover
    UniqueViolationError = sqlite3.IntegrityError  # type: ignore[misc,assignment]

# What a unique index raises on either database, for "someone else got there first".
DUPLICATE_ERRORS = (sqlite3.IntegrityError, UniqueViolationError)

# Ids are 32-bit integers in both databases: a larger number (from a URL, say) names no
# row and must not reach a query, where it overflows the column type.
MAX_ID = 2**31 - 1

SQLITE_BUSY_TIMEOUT_S = 15.0
SQLITE_POOL_SIZE = 8


class PooledSQLiteTransaction(SQLiteTransaction):
    """A transaction on a pooled connection; IMMEDIATE ones hold the process write lock."""

    engine: PooledSQLiteEngine

    async def __aenter__(self) -> PooledSQLiteTransaction:
        if self._parent is not None:
            if (
                self.transaction_type is TransactionType.immediate
                and self._parent.transaction_type is not TransactionType.immediate
            ):
                # A write nested in a read transaction would fail under load with
                # "database is locked": make the mistake loud instead.
                raise RuntimeError("write transaction nested inside a deferred one")
            return self._parent  # type: ignore[return-value]
        self._locked = False
        if self.transaction_type is not TransactionType.deferred:
            await self.engine.write_lock.acquire()
            self._locked = True
        # A write runs on the loop's thread when SQLite's lock is free (loopwrite.py).
        here = loopwrite.begin(self.engine.connection_kwargs, _dict_factory) if (
            self._locked and self.engine.writes_on_loop) else None
        if here is not None:
            self.connection = here
        else:
            await self._begin_in_thread()
        self.context = self.engine.current_transaction.set(self)
        return self

    async def _begin_in_thread(self) -> None:
        try:
            self.connection = await self.engine.get_connection()
        except BaseException:
            self._release_lock()
            raise
        try:
            await self.begin()
        except BaseException:
            await self.engine.discard(self.connection)
            self._release_lock()
            raise

    def _release_lock(self) -> None:
        if getattr(self, "_locked", False):
            self._locked = False
            self.engine.write_lock.release()

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        healthy = True
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                try:
                    await self.commit()
                except BaseException:
                    healthy = False
                    with contextlib.suppress(Exception):  # the connection is discarded below
                        await self.rollback()
                    raise
        except BaseException:
            healthy = False
            raise
        finally:
            self.engine.current_transaction.reset(self.context)
            if healthy:
                await self.engine.release(self.connection)
            else:
                await self.engine.discard(self.connection)
            self._release_lock()
        return exception is None


class PooledSQLiteEngine(SQLiteEngine):
    """SQLite with kept connections: ~0.1 ms a query instead of ~1.5 ms to connect."""

    def __init__(self, path: str, **kwargs: Any) -> None:
        super().__init__(path=path, timeout=SQLITE_BUSY_TIMEOUT_S, **kwargs)
        self._idle: list[aiosqlite.Connection] = []
        self._write_lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None
        self.writes_on_loop = True

    @property
    def write_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._write_lock is None or self._lock_loop is not loop:
            self._write_lock = asyncio.Lock()
            self._lock_loop = loop
        return self._write_lock

    async def get_connection(self) -> aiosqlite.Connection:
        if self._idle:
            return self._idle.pop()
        connection = await aiosqlite.connect(**self.connection_kwargs)
        connection.row_factory = _dict_factory  # type: ignore[assignment]
        for pragma in loopwrite.CONNECTION_PRAGMAS:
            await connection.execute(pragma)
        return connection

    async def release(self, connection: aiosqlite.Connection) -> None:
        if isinstance(connection, loopwrite.LoopConnection):
            return  # kept for its thread
        if len(self._idle) < SQLITE_POOL_SIZE and connection.in_transaction is False:
            self._idle.append(connection)
        else:
            await connection.close()

    async def discard(self, connection: aiosqlite.Connection) -> None:
        if isinstance(connection, loopwrite.LoopConnection):
            loopwrite.forget()
            return
        with contextlib.suppress(Exception):  # already broken; closing is best effort
            await connection.close()

    async def close_pool(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            await self.discard(connection)

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        connection = await self.get_connection()
        try:
            rows = await connection.execute_fetchall(query, args or [])
        except BaseException:
            await self.discard(connection)
            raise
        await self.release(connection)
        return rows

    async def _run_in_existing_connection(
        self,
        connection: Any,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        # Piccolo re-runs "PRAGMA foreign_keys" before every query here; our
        # connections set it once when opened. One hop to the connection's thread per
        # query (execute + fetch + close would be three): inside the write lock each hop
        # waits its turn on a busy event loop.
        return await connection.execute_fetchall(query, args or [])

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> PooledSQLiteTransaction:
        return PooledSQLiteTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )


def _dict_factory(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    return {col[0]: row[idx] for idx, col in enumerate(cursor.description)}


def prepare_sqlite_file(path: str) -> None:
    """Create the database file once with WAL: the journal mode is stored in the file."""
    import os

    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    connection = sqlite3.connect(path)
    try:
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()


def make_engine(url: str) -> Engine:
    if url.startswith(("postgres://", "postgresql://")):
        return postgres.engine(url)
    path = str(settings_module.get().sqlite_path)
    prepare_sqlite_file(path)
    return PooledSQLiteEngine(path=path)


DB: Engine = make_engine(settings_module.get().database_url)


def is_sqlite() -> bool:
    return isinstance(DB, SQLiteEngine)


def id_list_sql(column: str) -> str:
    """An aggregate of integer ``column`` as text "3,7" (``parse_id_list`` reads it): a
    set of ids in one column of one row, on either database."""
    return (f"group_concat({column})" if is_sqlite()
            else f"string_agg({column}::text, ',')")


def seconds_sql(later: str, earlier: str) -> str:
    """Seconds from timestamp ``earlier`` to ``later`` (SQL expressions), on either
    database, so a report can reduce durations where the rows are."""
    return (f"((julianday({later}) - julianday({earlier})) * 86400.0)" if is_sqlite()
            else f"EXTRACT(EPOCH FROM ({later} - {earlier}))")


def parse_id_list(text: str | None) -> frozenset[int]:
    return frozenset(int(c) for c in str(text or "").split(",") if c)


def transaction() -> Any:
    """A write transaction; joins the current one when called inside it.

    SQLite: ``BEGIN IMMEDIATE`` behind the process write lock, so a transaction that reads
    then writes never fails with "database is locked". PostgreSQL: read committed, with
    services using conditional updates (``… WHERE balance >= :n``) for the races.
    """
    if isinstance(DB, SQLiteEngine):
        return DB.transaction(transaction_type=TransactionType.immediate)
    return DB.transaction()


def in_transaction() -> bool:
    return DB.current_transaction.get() is not None


async def together(*reads: Awaitable[Any]) -> list[Any]:
    """Independent reads at once, each on a pooled connection of its own (a page of
    figures waits for the slowest instead of the sum); inside a transaction one after
    another, since its one connection runs one statement at a time."""
    if in_transaction():
        return [await read for read in reads]
    return list(await asyncio.gather(*reads))


@contextlib.contextmanager
def custom_plans() -> Iterator[None]:
    """Reads of a period report (dashboard, roll-ups, portal, public page, service record):
    on PostgreSQL each statement of the block, and of reads it starts with ``together``, is
    planned for its own values (a period's bounds decide between an index and a scan),
    where the rest of the app lets PostgreSQL keep a generic plan after five runs
    (``postgres.fetch``). Statements inside a transaction are left as they are; SQLite
    plans every statement anyway."""
    token = postgres.CUSTOM_PLANS.set(True)
    try:
        yield
    finally:
        postgres.CUSTOM_PLANS.reset(token)


async def lock_row(table: type[Table], row_id: int, strength: str = "UPDATE") -> None:
    """Inside a transaction: keep other writers off one row until the transaction ends.

    For read-decide-write steps that a conditional UPDATE cannot express (a count of a
    wish's claims, a monthly limit). PostgreSQL takes the row lock (``FOR UPDATE``, or
    ``NO KEY UPDATE`` where rows pointing at it may still be inserted); SQLite's IMMEDIATE
    transactions already serialise every writer, so there it does nothing. An id no row can
    have locks nothing."""
    if is_sqlite() or not 0 < row_id <= MAX_ID:
        return
    pk = table._meta.primary_key
    await table.select(pk).where(pk == row_id).lock_rows(strength)  # type: ignore[arg-type]


async def first_in_line(topic: str, row_id: int) -> bool:
    """Inside a transaction: is this the only transaction doing ``topic`` to the row? Says
    so at once (PostgreSQL's transaction-level advisory lock, tried without waiting; held
    until commit or rollback), where ``lock_row`` would queue behind the holder. For
    refusing a race's losers early; what the loser refrains from must still be decided by
    a conditional update or a row lock. SQLite's IMMEDIATE transactions run one at a time,
    so there the answer is always yes."""
    if not in_transaction():
        raise RuntimeError("first_in_line outside a transaction would hold nothing")
    if is_sqlite():
        return True
    key = zlib.crc32(topic.encode()) - 2**31  # the lock's first int4 key: the topic
    rows = await DB.run_querystring(QueryString(
        "SELECT pg_try_advisory_xact_lock({}, {}) AS first", key, row_id))
    return bool(rows[0]["first"])


def request_connection(app: Any) -> Any:
    """ASGI middleware: on PostgreSQL, each HTTP request's statements share one pooled
    connection (``postgres.py``: taken at the first statement, handed back whenever the
    request waits for anything else, and at its end)."""

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not isinstance(DB, PostgresEngine):
            await app(scope, receive, send)  # SQLite: nothing to share
            return
        async with postgres.shared_connection(DB.pool):
            await app(scope, receive, send)

    return wrapped


@asynccontextmanager
async def lifespan_pool() -> AsyncIterator[None]:
    if isinstance(DB, PostgresEngine):
        await postgres.start_pool(DB, settings_module.get().database_pool_size)
        try:
            yield
        finally:
            await DB.close_connection_pool()
    else:
        try:
            yield
        finally:
            if isinstance(DB, PooledSQLiteEngine):
                await DB.close_pool()

"""The PostgreSQL engine: Piccolo's, with a request's statements on one pooled connection.

Piccolo takes a pooled connection for every statement outside a transaction, and another
for each transaction: a request of five reads queued five times for the pool and handed a
connection back five times. Here a request (``db.request_connection``) shares one: taken
at its first statement, used by its next statements and transactions, and handed back to
the pool as soon as the request waits for anything but its own statement (the client's
body, a thread such as a password hash, its response being sent) and when it ends. So a
slow client or a long computation holds no connection, and nothing outlives the request.

A statement that finds the shared connection busy (reads run together, ``db.together``)
takes one of its own from the pool, as does everything outside a request (timers, the
command line, tests calling services).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from typing import Any
from urllib.parse import urlparse

import asyncpg
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction

_SHARED: contextvars.ContextVar[Shared | None] = contextvars.ContextVar(
    "request_connection", default=None)
_RELEASING: set[asyncio.Task[None]] = set()  # hand-backs under way (tasks need an owner)
# Set by ``db.custom_plans``: statements planned for their own values (see ``fetch``).
CUSTOM_PLANS: contextvars.ContextVar[bool] = contextvars.ContextVar("custom_plans",
                                                                    default=False)


class Shared:
    """One request's connection: at most one statement or transaction on it at a time."""

    __slots__ = ("busy", "connection", "ended", "pool")

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.connection: asyncpg.Connection | None = None
        self.busy = False
        self.ended = False

    async def take(self) -> asyncpg.Connection | None:
        """The connection for one statement or transaction; None while it is in use or
        after the request ended (the caller then takes its own from the pool)."""
        if self.busy or self.ended:
            return None
        self.busy = True
        if self.connection is None:
            try:
                self.connection = await self.pool.acquire()
            except BaseException:
                self.busy = False
                raise
        return self.connection

    def done(self, reusable: bool) -> None:
        """The statement or transaction is over. Unless the request goes straight on to its
        next statement (before the event loop runs anything else), the connection goes
        back; one left mid-transaction, cancelled or broken goes back at once (the pool
        rolls it back or closes it)."""
        self.busy = False
        connection = self.connection
        if connection is None:
            return
        if not reusable or connection.is_closed() or connection.is_in_transaction():
            self._hand_back()
        else:
            asyncio.get_running_loop().call_soon(self._hand_back_if_idle)

    def _hand_back_if_idle(self) -> None:
        if not self.busy:
            self._hand_back()

    def _hand_back(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            task = asyncio.get_running_loop().create_task(_release(self.pool, connection))
            _RELEASING.add(task)
            task.add_done_callback(_RELEASING.discard)

    async def end(self) -> None:
        """The request is over: later statements (a task it started) use the pool."""
        self.ended = True
        if not self.busy and self.connection is not None:
            connection, self.connection = self.connection, None
            await _release(self.pool, connection)


async def fetch(connection: asyncpg.Connection, query: str, args: Any) -> list[Any]:
    """One statement outside a transaction. asyncpg keeps every statement prepared on its
    connection; after five runs PostgreSQL may switch such a statement to one generic plan
    for all values (plan_cache_mode ``auto``), which is what the hot path wants (who is
    asking, a claim's read: planned once instead of ~1 ms every time). A period report's
    generic plan cannot see the period's bounds and scans a county's history (the
    portal's confirmations 5x slower), so under ``db.custom_plans`` a statement is
    prepared afresh, run once (its first run is always planned for its values) and
    dropped: one more round trip per report statement."""
    if CUSTOM_PLANS.get():
        statement = await connection.prepare(query)
        return await statement.fetch(*(args or []))
    return await connection.fetch(query, *(args or []))


async def _release(pool: asyncpg.Pool, connection: asyncpg.Connection) -> None:
    # A connection that cannot be reset is closed by the pool, which then raises: nothing
    # is left to do about it here.
    with contextlib.suppress(Exception):
        await pool.release(connection)


@contextlib.asynccontextmanager
async def shared_connection(pool: asyncpg.Pool | None) -> Any:
    """Statements of the block (one request) share one pooled connection."""
    if pool is None:
        yield
        return
    shared = Shared(pool)
    token = _SHARED.set(shared)
    try:
        yield
    finally:
        _SHARED.reset(token)
        await shared.end()


class SharedTransaction(PostgresTransaction):
    """A transaction on the request's connection when it is free, else on its own pooled
    one; the connection is handed back (or kept for the request) even when COMMIT fails,
    which Piccolo's own transaction does not do."""

    __slots__ = ("shared",)

    async def __aenter__(self) -> PostgresTransaction:
        if self._parent is not None:
            return self._parent
        self.shared = _SHARED.get()
        connection = await self.shared.take() if self.shared is not None else None
        if connection is None:
            self.shared = None
            connection = await self.get_connection()
        self.connection = connection
        self.transaction = connection.transaction()
        try:
            await self.begin()
        except BaseException:
            await self._give_back(healthy=False)
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        healthy = False
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
            healthy = True
        finally:
            self.engine.current_transaction.reset(self.context)
            await self._give_back(healthy)
        return exception is None

    async def _give_back(self, healthy: bool) -> None:
        if self.shared is not None:
            self.shared.done(healthy)
        elif self.engine.pool:
            await _release(self.engine.pool, self.connection)
        else:
            await self.connection.close()


class SharingPostgresEngine(PostgresEngine):
    """Piccolo's engine; outside a transaction a statement runs on the request's
    connection when it has one free."""

    async def _run_in_pool(self, query: str, args: Any = None) -> Any:
        shared = _SHARED.get()
        connection = await shared.take() if shared is not None else None
        if connection is None:
            if not self.pool:
                raise ValueError("A pool isn't currently running.")
            async with self.pool.acquire() as own:
                return await fetch(own, query, args)
        assert shared is not None
        reusable = False
        try:
            response = await fetch(connection, query, args)
            reusable = True
            return response
        except asyncpg.PostgresError:
            reusable = True  # the statement was refused; the connection is fine
            raise
        finally:
            shared.done(reusable)

    def transaction(self, allow_nested: bool = True) -> SharedTransaction:
        return SharedTransaction(engine=self, allow_nested=allow_nested)


def engine(url: str) -> SharingPostgresEngine:
    parsed = urlparse(url)
    config: dict[str, Any] = {
        "host": parsed.hostname or "localhost",
        "port": parsed.port or 5432,
        "user": parsed.username or "postgres",
        "database": (parsed.path or "/").lstrip("/") or "marketplace",
    }
    if parsed.password:
        config["password"] = parsed.password
    return SharingPostgresEngine(config=config)


async def keep_session(connection: asyncpg.Connection) -> None:
    """What asyncpg runs when a connection goes back to the pool, after rolling back any
    open transaction (that part always runs). Its default also sends ``RESET ALL``,
    ``UNLISTEN *``, ``CLOSE ALL`` and ``pg_advisory_unlock_all()``: a round trip for every
    hand-back (0.67 ms a trivial query instead of 0.45). The app changes no session
    settings, listens to nothing, opens no cursors and takes no session-level advisory
    locks on pooled connections (the migration lock has its own connection;
    ``db.first_in_line``'s end with the transaction), so there is nothing to reset."""


async def start_pool(db: PostgresEngine, size: int) -> None:
    """``size`` (``DATABASE_POOL_SIZE``) connections, all opened at start. A burst (a claim
    storm's 1,000 requests at once) takes every connection the pool may hold: one opened
    then costs a server process's start and sign-in, and each connection prepares and
    plans the hot statements for itself, while a request waiting its turn for a
    connection costs nothing. Measured in the storm on 2 cores: 4 connections per
    process, opened at start, 1.5 ms of CPU per losing claim (app and PostgreSQL);
    20 opened on demand, 2.3 ms."""
    await db.start_connection_pool(min_size=size, max_size=size, reset=keep_session)

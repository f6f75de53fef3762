"""Counting the SQL statements some code runs, for tests that say a path stays cheap
("nothing due touches no account"). Counts statements, never time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from marketplace import db, loopwrite, quickread


@contextmanager
def statements() -> Iterator[list[str]]:
    """The statements run inside the block (every Piccolo query, raw ones included)."""
    seen: list[str] = []
    engine_class: Any = type(db.DB)  # PostgresEngine has slots: patch its class
    original = engine_class.run_querystring

    async def counted(engine: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(str(querystring))
        return await original(engine, querystring, *args, **kwargs)

    here = quickread.read_here

    def counted_here(sql: str, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        seen.append(sql)
        return here(sql, *args, **kwargs)

    fetch = loopwrite.LoopConnection.fetch

    async def counted_fetch(connection: Any, sql: str, args: Any = ()) -> Any:
        seen.append(sql)
        return await fetch(connection, sql, args)

    # Hot-path reads and a write transaction's statements written once bypass the engine
    # on SQLite (marketplace/quickread.py): counted too.
    with mock.patch.object(engine_class, "run_querystring", counted), \
            mock.patch.object(quickread, "read_here", counted_here), \
            mock.patch.object(loopwrite.LoopConnection, "fetch", counted_fetch):
        yield seen

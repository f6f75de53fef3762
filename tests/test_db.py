"""The database layer: write transactions under concurrency, rollback, connection hygiene."""

from __future__ import annotations

import asyncio

import pytest

from marketplace import db
from marketplace.community.tables import Community, Grid
from tests.conftest import World, unique


async def _read_then_write(community_id: int, n: int) -> None:
    async with db.transaction():
        count = await Grid.count().where(Grid.community == community_id)
        await asyncio.sleep(0)  # let other writers try to interleave here
        await Grid.insert(Grid(community=community_id, name=f"grid {count}-{n}"))


async def test_concurrent_read_then_write_transactions_all_succeed(world: World) -> None:
    # A deferred SQLite transaction fails here with "database is locked"; ours must not.
    await asyncio.gather(*(_read_then_write(world.community_id, n) for n in range(50)))
    assert await Grid.count().where(Grid.community == world.community_id) == 51
    names = await Grid.select(Grid.name).where(Grid.community == world.community_id)
    counts = sorted(int(r["name"].split()[1].split("-")[0]) for r in names if "-" in r["name"])
    if db.is_sqlite():
        # IMMEDIATE transactions serialise writers, so each saw every earlier write.
        # PostgreSQL's read committed does not promise that; domain code locks rows instead.
        assert counts == list(range(1, 51))
    else:
        assert len(counts) == 50


async def test_failure_inside_transaction_leaves_no_rows(world: World) -> None:
    name = unique("rollback ")
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await Grid.insert(Grid(community=world.community_id, name=name))
            raise RuntimeError("boom")
    assert not await Grid.exists().where(Grid.name == name)


async def test_nested_transaction_joins_the_outer_one(world: World) -> None:
    name = unique("nested ")
    with pytest.raises(RuntimeError):
        async with db.transaction():
            async with db.transaction():
                await Grid.insert(Grid(community=world.community_id, name=name))
            assert db.in_transaction()
            raise RuntimeError("outer fails after inner finished")
    assert not await Grid.exists().where(Grid.name == name)


@pytest.mark.sqlite_only
@pytest.mark.skipif(not db.is_sqlite(), reason="the SQLite engine's own pool")
async def test_failed_begin_discards_its_connection_and_lock(
        monkeypatch: pytest.MonkeyPatch) -> None:
    engine = db.DB
    assert isinstance(engine, db.PooledSQLiteEngine)
    monkeypatch.setattr(engine, "writes_on_loop", False)  # the aiosqlite path
    opened: list[object] = []
    original = engine.get_connection

    async def broken_connection():  # type: ignore[no-untyped-def]
        connection = await original()
        opened.append(connection)
        await connection.close()  # BEGIN on a closed connection fails
        return connection

    engine.get_connection = broken_connection  # type: ignore[method-assign]
    try:
        with pytest.raises(Exception):
            async with db.transaction():
                pass
    finally:
        engine.get_connection = original  # type: ignore[method-assign]
    assert opened and opened[0] not in engine._idle
    assert not engine.write_lock.locked()
    # The engine still works afterwards.
    assert await Community.count() >= 0


@pytest.mark.sqlite_only
@pytest.mark.skipif(not db.is_sqlite(), reason="PostgreSQL uses asyncpg's own pool")
async def test_reads_reuse_kept_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    await Community.count()  # warm the pool
    opened = 0
    original = db.aiosqlite.connect

    def counting_connect(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal opened
        opened += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(db.aiosqlite, "connect", counting_connect)
    for _ in range(20):
        await Community.count()
    async with db.transaction():
        await Community.count()
    assert opened == 0  # no connection set-up per query on the hot path

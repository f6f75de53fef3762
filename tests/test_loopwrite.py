"""SQLite write transactions on the event loop's thread (marketplace/loopwrite.py): all or
nothing as before, and a file held by another process sends them the ordinary way, which
waits off the loop."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import textwrap

import aiosqlite
import pytest

from marketplace import db, loopwrite, quickread
from marketplace.community.tables import Grid
from marketplace.settings import ROOT
from tests.conftest import World, unique

pytestmark = [pytest.mark.sqlite_only,
              pytest.mark.skipif(not db.is_sqlite(), reason="SQLite's write path")]


def _path_taken() -> type:
    transaction = db.DB.current_transaction.get()
    assert transaction is not None
    return type(transaction.connection)


async def _grids(prefix: str) -> list[str]:
    rows = await Grid.select(Grid.name).where(Grid.name.like(f"{prefix}%"))
    return sorted(r["name"] for r in rows)


async def test_a_write_runs_on_the_loop_and_commits(world: World) -> None:
    name = unique("loop ")
    async with db.transaction():
        assert _path_taken() is loopwrite.LoopConnection
        await Grid.insert(Grid(community=world.community_id, name=name))
    assert await _grids(name) == [name]


async def test_a_failed_statement_mid_transaction_leaves_nothing(world: World) -> None:
    name = unique("half ")
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction():
            await Grid.insert(Grid(community=world.community_id, name=name + " a"))
            await Grid.insert(Grid(community=2**31 - 1, name=name + " b"))  # no community
    assert await _grids(name) == []
    # The kept connection is clean for the next transaction.
    async with db.transaction():
        assert _path_taken() is loopwrite.LoopConnection
        await Grid.insert(Grid(community=world.community_id, name=name + " c"))
    assert await _grids(name) == [name + " c"]


async def test_a_long_transaction_moves_off_the_loop_and_still_rolls_back(
        world: World) -> None:
    prefix = unique("long ")
    count = loopwrite.INLINE_STATEMENTS + 20
    with pytest.raises(RuntimeError):
        async with db.transaction():
            for n in range(count):
                await Grid.insert(Grid(community=world.community_id, name=f"{prefix}{n:03}"))
            raise RuntimeError("fails after its statements went to a thread")
    assert await _grids(prefix) == []
    async with db.transaction():
        for n in range(count):
            await Grid.insert(Grid(community=world.community_id, name=f"{prefix}{n:03}"))
    assert len(await _grids(prefix)) == count


async def test_statements_written_once_answer_on_the_loop_and_off_it(world: World) -> None:
    """``quickread.run`` in a long transaction: rows and RETURNING as before once the
    statements have gone to a thread, and a rollback still undoes them all."""
    prefix = unique("once ")
    count = loopwrite.INLINE_STATEMENTS + 10
    insert = "INSERT INTO grid (community, name) VALUES ({}, {}) RETURNING name"
    with pytest.raises(RuntimeError):
        async with db.transaction():
            for n in range(count):
                name = f"{prefix}{n:03}"
                assert await quickread.run(insert, world.community_id, name) == [
                    {"name": name}]
            found = await quickread.run("SELECT count(*) AS n FROM grid WHERE name LIKE {}",
                                        f"{prefix}%")
            assert found == [{"n": count}]
            raise RuntimeError("fails after its statements went to a thread")
    assert await _grids(prefix) == []


async def test_a_long_transaction_cancelled_in_its_thread_leaves_nothing(
        world: World) -> None:
    prefix = unique("cancelled ")
    in_thread = asyncio.Event()

    async def long() -> None:
        async with db.transaction():
            for n in range(loopwrite.INLINE_STATEMENTS + 500):
                if n == loopwrite.INLINE_STATEMENTS + 5:
                    in_thread.set()
                await Grid.insert(Grid(community=world.community_id, name=f"{prefix}{n:03}"))

    task = asyncio.create_task(long())
    await in_thread.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await _grids(prefix) == []
    async with db.transaction():
        assert _path_taken() is loopwrite.LoopConnection
        await Grid.insert(Grid(community=world.community_id, name=prefix + "after"))
    assert await _grids(prefix) == [prefix + "after"]


async def test_a_file_held_by_another_process_waits_off_the_loop(world: World) -> None:
    name = unique("waited ")
    async with db.transaction():
        kept = db.DB.current_transaction.get().connection  # type: ignore[union-attr]
    other = sqlite3.connect(db.DB.connection_kwargs["database"], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process in the middle of its write
    paths: list[type] = []

    async def write() -> None:
        async with db.transaction():
            paths.append(_path_taken())
            await Grid.insert(Grid(community=world.community_id, name=name))

    try:
        task = asyncio.create_task(write())
        ticks = 0
        for _ in range(5):  # the loop keeps running meanwhile
            await asyncio.sleep(0.01)
            ticks += 1
        assert ticks == 5 and not task.done()
    finally:
        other.execute("COMMIT")
        other.close()
    await task
    assert len(paths) == 1 and issubclass(paths[0], aiosqlite.Connection)  # the thread's
    assert await _grids(name) == [name]
    async with db.transaction():  # the next write is back on the loop, same connection
        assert db.DB.current_transaction.get().connection is kept  # type: ignore[union-attr]


_OTHER_PROCESS = textwrap.dedent("""
    import asyncio, sys
    from marketplace import db
    from marketplace.community.tables import Grid

    async def main(community, prefix):
        async with db.lifespan_pool():
            await Grid.count()
            print("ready", flush=True)
            for n in range(WRITES):
                async with db.transaction():
                    found = await Grid.count().where(Grid.name.like(prefix + "%"))
                    await Grid.insert(Grid(community=community, name=f"{prefix}{found:04}"))

    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
""")
WRITES = 300


async def _numbered_write(community_id: int, prefix: str) -> None:
    async with db.transaction():
        found = await Grid.count().where(Grid.name.like(prefix + "%"))
        await Grid.insert(Grid(community=community_id, name=f"{prefix}{found:04}"))


async def test_two_processes_writing_at_once_lose_nothing(world: World) -> None:
    mine, theirs = unique("mine "), unique("theirs ")
    other = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _OTHER_PROCESS.replace("WRITES", str(WRITES)),
        str(world.community_id), theirs, cwd=ROOT, stdout=asyncio.subprocess.PIPE)
    assert other.stdout is not None
    assert await asyncio.wait_for(other.stdout.readline(), 60) == b"ready\n"
    written = 0
    while other.returncode is None and written < 5 * WRITES:  # while the other writes
        await asyncio.gather(*(_numbered_write(world.community_id, mine) for _ in range(4)))
        written += 4
    assert await asyncio.wait_for(other.wait(), 60) == 0
    # Each read-then-write saw every earlier write of both processes: no number twice.
    assert await _grids(mine) == [f"{mine}{n:04}" for n in range(written)]
    assert await _grids(theirs) == [f"{theirs}{n:04}" for n in range(WRITES)]


async def test_the_loop_connection_leaves_checkpoints_to_a_thread(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    done: list[str] = []
    monkeypatch.setattr(loopwrite, "CHECKPOINT_EVERY", 1)
    monkeypatch.setattr(loopwrite, "_checkpoint", done.append)
    async with db.transaction():
        await Grid.insert(Grid(community=world.community_id, name=unique("checkpoint ")))
    await asyncio.gather(*loopwrite._checkpointing)
    assert done == [db.DB.connection_kwargs["database"]]

"""A request's statements on one pooled connection (PostgreSQL, db.request_connection):
shared while the request goes from statement to statement, back in the pool whenever it
waits for anything else, and always at its end — after an error, a cancelled statement or
a task that outlives it. Nothing is kept from one request to the next."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from marketplace import db, settings
from marketplace.community.tables import Community, Grid
from marketplace.wishes import service
from tests.conftest import World, login, post, unique

# `make test` does not collect these on SQLite; the skip is for a bare `pytest` run.
pytestmark = [pytest.mark.postgres_only,
              pytest.mark.skipif(db.is_sqlite(), reason="PostgreSQL's pool")]


def in_use() -> int:
    pool = db.DB.pool  # type: ignore[attr-defined]
    return int(pool.get_size() - pool.get_idle_size())


async def backend() -> int:
    """Which server process (so which connection) ran the statement."""
    return int((await Community.raw("SELECT pg_backend_pid() AS pid"))[0]["pid"])


async def settled() -> None:
    """Let hand-backs scheduled on the event loop run."""
    for _ in range(5):
        await asyncio.sleep(0)


async def request(body: Callable[[], Awaitable[Any]]) -> None:
    """One HTTP request through the middleware whose handler is ``body``."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await body()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        pass

    await db.request_connection(app)({"type": "http", "path": "/"}, receive, send)


async def test_statements_of_a_request_share_one_connection() -> None:
    base, seen, busy = in_use(), [], []

    async def body() -> None:
        for _ in range(3):
            seen.append(await backend())
            busy.append(in_use())

    await request(body)
    assert len(set(seen)) == 1
    assert busy == [base + 1] * 3
    await settled()
    assert in_use() == base


async def test_statements_outside_requests_take_pooled_connections_as_before() -> None:
    base = in_use()
    await backend()
    await settled()
    assert in_use() == base


async def test_a_transaction_in_a_request_runs_on_its_connection(world: World) -> None:
    kept, dropped, seen = unique("kept "), unique("dropped "), {}

    async def body() -> None:
        seen["before"] = await backend()
        async with db.transaction():
            seen["inside"] = await backend()
            await Grid.insert(Grid(community=world.community_id, name=kept))
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await Grid.insert(Grid(community=world.community_id, name=dropped))
                raise RuntimeError("refused halfway")
        seen["after"] = await backend()  # no transaction left open on it
        seen["outside"] = not db.in_transaction()

    base = in_use()
    await request(body)
    assert seen["before"] == seen["inside"] == seen["after"] and seen["outside"]
    assert await Grid.exists().where(Grid.name == kept)
    assert not await Grid.exists().where(Grid.name == dropped)
    await settled()
    assert in_use() == base


async def test_the_connection_goes_back_while_the_request_waits() -> None:
    base, during = in_use(), []

    async def body() -> None:
        await backend()
        await asyncio.sleep(0.01)  # the client's body, a password hash, a slow send...
        during.append(in_use())
        await backend()

    await request(body)
    assert during == [base]
    await settled()
    assert in_use() == base


async def test_the_connection_goes_back_after_an_error() -> None:
    base = in_use()

    async def body() -> None:
        await backend()
        raise ValueError("the handler failed")

    with pytest.raises(ValueError):
        await request(body)
    assert in_use() == base


async def test_a_refused_statement_leaves_the_connection_usable() -> None:
    seen = []

    async def body() -> None:
        seen.append(await backend())
        with pytest.raises(Exception, match="division by zero"):
            await Community.raw("SELECT 1 / 0 AS x")
        seen.append(await backend())

    await request(body)
    assert len(set(seen)) == 1


async def test_a_cancelled_statement_does_not_poison_the_request() -> None:
    base, seen = in_use(), []

    async def body() -> None:
        seen.append(await backend())
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(Community.raw("SELECT pg_sleep(5)"), 0.05)
        seen.append(await backend())  # runs: on a connection that is not mid-statement

    await request(body)
    assert len(seen) == 2
    for _ in range(100):  # the cancelled one is back once PostgreSQL confirms the cancel
        if in_use() == base:
            break
        await asyncio.sleep(0.05)
    assert in_use() == base


async def test_a_streamed_response_holds_no_connection_while_it_is_sent() -> None:
    base, while_sending, seen = in_use(), [], []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for _ in range(3):  # a page of rows read, then sent to a slow client
            seen.append(await backend())
            await send({"type": "http.response.body", "body": b"rows", "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    async def slow_send(message: dict[str, Any]) -> None:
        await asyncio.sleep(0.01)
        while_sending.append(in_use())

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    await db.request_connection(app)({"type": "http", "path": "/"}, receive, slow_send)
    assert len(seen) == 3 and while_sending == [base] * 5
    await settled()
    assert in_use() == base


async def test_reads_together_inside_a_request(world: World) -> None:
    results = []

    async def body() -> None:
        results.extend(await db.together(*(
            Community.select(Community.id).where(Community.id == world.community_id).first()
            for _ in range(4))))

    await request(body)
    assert [r["id"] for r in results] == [world.community_id] * 4


async def test_a_task_that_outlives_its_request_uses_the_pool() -> None:
    base, started, later = in_use(), asyncio.Event(), []

    async def afterwards() -> None:
        started.set()
        await asyncio.sleep(0.01)  # the request has ended by now
        later.append(await backend())

    tasks = []

    async def body() -> None:
        await backend()
        tasks.append(asyncio.get_running_loop().create_task(afterwards()))
        await started.wait()

    await request(body)
    await tasks[0]
    assert later
    await settled()
    assert in_use() == base


async def test_a_hundred_requests_leave_no_connection_behind(
        client: httpx.AsyncClient, world: World) -> None:
    staff, owner = await world.person(staff=True), await world.person()
    category = await service.add_category(staff, world.community_id, "Errands", 10)
    wish_id = await service.post_wish(owner, service.NewWish(category, "Carry the rice"))
    await service.review(staff, wish_id, approve=True)
    await service.claim(await world.person(helper=True), wish_id)
    await login(client, await world.person(helper=True))
    base = in_use()
    for n in range(20):  # 100 requests
        assert (await client.get("/wishes")).status_code == 200
        lost = await post(client, f"/wishes/{wish_id}/claim")
        assert lost.status_code == 303 and lost.headers["location"].startswith("/wishes")
        assert (await client.get(f"/wishes/{2**31 - 1 - n}")).status_code == 404
        assert (await client.get("/points")).status_code == 200
        assert (await client.get("/points/statement.csv")).status_code == 200
    await settled()
    assert in_use() == base


async def test_the_pool_is_opened_in_full_and_never_grows() -> None:
    """A burst queues for the pool's connections instead of opening more mid-burst."""
    pool = db.DB.pool  # type: ignore[attr-defined]
    size = settings.get().database_pool_size
    assert pool.get_size() == size
    await asyncio.gather(*(Community.raw("SELECT pg_sleep(0.02)") for _ in range(3 * size)))
    assert pool.get_size() == size

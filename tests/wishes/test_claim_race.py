"""Claims at once: exactly one winner through the web app (each request on its own shared
connection), and a claim arriving while another claim of the wish is in its transaction
is refused at once instead of queueing behind that transaction's row lock."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from marketplace import db
from marketplace.app import create_app
from marketplace.errors import Conflict
from marketplace.wishes import claims, service
from marketplace.wishes.tables import Wish, WishClaim, WishEvent
from tests.conftest import World, login, post
from tests.wishes.test_wish_service import _open_wish, _status


async def test_forty_claims_through_the_app_have_one_winner(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    wish_id = await _open_wish(world, owner, staff)
    app = create_app()
    clients = []
    for n in range(40):
        transport = httpx.ASGITransport(app=app, client=(f"10.1.{n}.1", 5000))
        client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        await login(client, await world.person(helper=True))
        clients.append(client)
    try:
        answers = await asyncio.gather(*(post(c, f"/wishes/{wish_id}/claim") for c in clients))
    finally:
        for client in clients:
            await client.aclose()
    assert [a.status_code for a in answers] == [303] * 40
    places = [a.headers["location"] for a in answers]
    assert sum(p.startswith(f"/wishes/{wish_id}") for p in places) == 1
    assert sum(p.startswith("/wishes?") or p == "/wishes" for p in places) == 39
    assert await _status(wish_id) == "claimed"
    assert await WishClaim.count().where(WishClaim.wish == wish_id) == 1
    assert await WishEvent.count().where(
        (WishEvent.wish == wish_id) & (WishEvent.action == "claim")) == 1


async def test_first_in_line_answers_at_once_and_frees_at_the_end() -> None:
    topic, row = f"test {uuid.uuid4().hex}", 7
    with pytest.raises(RuntimeError):
        await db.first_in_line(topic, row)  # outside a transaction it would hold nothing
    if db.is_sqlite():  # writers run one at a time: always first
        async with db.transaction():
            assert await db.first_in_line(topic, row)
        return
    holding, done = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with db.transaction():
            assert await db.first_in_line(topic, row)
            holding.set()
            await done.wait()

    task = asyncio.create_task(holder())
    await holding.wait()
    async with db.transaction():
        assert not await db.first_in_line(topic, row)
        assert await db.first_in_line(topic, row + 1)  # another row is free
        assert await db.first_in_line(topic + " other", row)  # another topic too
    done.set()
    await task
    async with db.transaction():
        assert await db.first_in_line(topic, row)  # the holder's commit let it go


@pytest.mark.postgres_only
@pytest.mark.skipif(db.is_sqlite(), reason="SQLite runs one write transaction at a time")
async def test_a_claim_during_another_claims_transaction_is_refused_without_waiting(
        world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    wish_id = await _open_wish(world, owner, staff)
    late = await world.person(helper=True)
    holding, done = asyncio.Event(), asyncio.Event()

    async def claim_in_flight() -> None:
        # What a claim holds in its transaction: the claimers' lock, then the row lock
        # of its conditional update, until it commits.
        async with db.transaction():
            assert await db.first_in_line(claims.CLAIM_TOPIC, wish_id)
            await Wish.update({Wish.title: Wish.title}).where(Wish.id == wish_id)
            holding.set()
            await done.wait()

    task = asyncio.create_task(claim_in_flight())
    await holding.wait()
    try:
        with pytest.raises(Conflict, match="already been claimed"):
            # Queued for the row lock it would wait until the test failed (the guard).
            await asyncio.wait_for(service.claim(late, wish_id), 30)
    finally:
        done.set()
        await task
    # The one in flight gave up here, so the wish is still open and claimable.
    await service.claim(late, wish_id)
    assert await _status(wish_id) == "claimed"

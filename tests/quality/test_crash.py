"""Crash safety: several clients write (claim, fulfil, confirm → award; staff adjustments)
while the server is killed with SIGKILL; after a restart the ledger check passes, no
transfer is half-written and every wish's state, claims, history and payment agree.

Runs on the database of the suite (SQLite file or PostgreSQL from DATABASE_URL).
"""

from __future__ import annotations

import asyncio
import itertools
import random

import httpx
import pytest

from marketplace.accounts.roles import Principal
from tests.cast import new_category, open_wish, session_token
from tests.conftest import World, unique
from tests.live import Server
from tests.quality.drive import WON, ledger_check, post_form, signed_in_client, wish_breaches

pytestmark = pytest.mark.slow

HELPERS, RESIDENTS, WISHES = 6, 3, 60
KILL_AFTER_WRITES = 40
LOST = (httpx.TransportError,)  # the server is gone: the client stops


class Load:
    """Shared counters and the wish owners' clients (a resident confirms their own wish)."""

    def __init__(self, owners: dict[int, httpx.AsyncClient]) -> None:
        self.owners = owners
        self.writes = 0
        self.lost = 0
        self.enough = asyncio.Event()

    def wrote(self) -> None:
        self.writes += 1
        if self.writes >= KILL_AFTER_WRITES:
            self.enough.set()


async def _helper_loop(client: httpx.AsyncClient, wish_ids: list[int], load: Load) -> None:
    try:
        for wish_id in random.sample(wish_ids, len(wish_ids)):
            if (await post_form(client, f"/wishes/{wish_id}/claim")).status_code != WON:
                continue  # another helper won it
            load.wrote()
            r = await post_form(client, f"/wishes/{wish_id}/fulfil",
                                {"note": "Done.", "hours": "1"})
            assert r.status_code == WON, r.text[:300]
            load.wrote()
            r = await post_form(load.owners[wish_id], f"/wishes/{wish_id}/confirm",
                                {"rating": "5"})
            assert r.status_code == WON, r.text[:300]
            load.wrote()
    except LOST:
        load.lost += 1


async def _staff_loop(client: httpx.AsyncClient, members: list[Principal], load: Load) -> None:
    try:
        for n in itertools.count():
            member = members[n % len(members)]
            r = await post_form(client, f"/staff/points/{member.user_id}/adjust",
                                {"amount": "3", "reason": "Crash drill",
                                 "key": unique("crash-")})
            assert r.status_code == WON, r.text[:300]
            load.wrote()
    except LOST:
        load.lost += 1


async def test_sigkill_under_write_load_leaves_everything_consistent(world: World) -> None:
    staff = await world.person(staff=True)
    residents = [await world.person() for _ in range(RESIDENTS)]
    helpers = [await world.person(helper=True) for _ in range(HELPERS)]
    category = await new_category(staff, points=10)
    owner_of = {await open_wish(residents[i % RESIDENTS], staff, category): residents[
        i % RESIDENTS] for i in range(WISHES)}
    wish_ids = list(owner_of)

    server = Server().start()
    try:
        resident_clients = {r.user_id: await signed_in_client(server.url, await session_token(r))
                            for r in residents}
        load = Load({w: resident_clients[o.user_id] for w, o in owner_of.items()})
        helper_clients = [await signed_in_client(server.url, await session_token(h))
                          for h in helpers]
        staff_client = await signed_in_client(server.url, await session_token(staff))
        tasks = [asyncio.create_task(_helper_loop(c, wish_ids, load)) for c in helper_clients]
        tasks.append(asyncio.create_task(_staff_loop(staff_client, residents, load)))
        await asyncio.wait_for(load.enough.wait(), timeout=60)
        server.kill()  # SIGKILL while every client has a write in flight
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
        for client in [*resident_clients.values(), *helper_clients, staff_client]:
            await client.aclose()
    finally:
        server.kill()
    assert load.lost >= 1, "the kill should have cut off clients mid-load"

    check = ledger_check()
    assert check.returncode == 0, check.stdout + check.stderr
    assert await wish_breaches(wish_ids) == []

    # The restarted server works on the same data: an unclaimed wish can still be claimed.
    with_restart = Server().start()
    try:
        client = await signed_in_client(with_restart.url, await session_token(helpers[0]))
        for wish_id in wish_ids:
            r = await post_form(client, f"/wishes/{wish_id}/claim")
            if r.status_code == WON:
                break
        else:
            pytest.fail("no wish could be claimed after the restart")
        await client.aclose()
    finally:
        with_restart.stop()
    assert ledger_check().returncode == 0
    assert await wish_breaches(wish_ids) == []

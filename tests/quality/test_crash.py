"""Crash safety: several clients write (claim, fulfil, confirm → award; codes redeemed at a
shop; staff adjustments) while the server is killed with SIGKILL; after a restart the
ledger check passes, no transfer is half-written, every wish's state, claims, history and
payment agree, and every code's hold and transfer agree with its status.

Runs on the database of the suite (SQLite file or PostgreSQL from DATABASE_URL).
"""

from __future__ import annotations

import asyncio
import itertools
import random

import httpx
import pytest

from marketplace.ledger import service as ledger
from marketplace.principal import Principal
from marketplace.rewards.tables import RedeemCode
from tests.cast import new_category, open_wish, session_token
from tests.conftest import World, unique
from tests.live import Server
from tests.quality.drive import (
    WON,
    claimed,
    code_breaches,
    code_text,
    ledger_check,
    post_form,
    signed_in_client,
    wish_breaches,
)
from tests.rewards.helpers import shop

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
        self.redeemed = asyncio.Event()  # a code redeemed: the kill may come

    def wrote(self) -> None:
        self.writes += 1
        if self.writes >= KILL_AFTER_WRITES:
            self.enough.set()


async def _helper_loop(client: httpx.AsyncClient, wish_ids: list[int], load: Load) -> None:
    try:
        for wish_id in random.sample(wish_ids, len(wish_ids)):
            if not claimed(await post_form(client, f"/wishes/{wish_id}/claim"), wish_id):
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


async def _shopping_loop(resident: httpx.AsyncClient, cashier: httpx.AsyncClient,
                         merchant_id: int, offer_id: int, load: Load) -> None:
    """A resident gets a code and the cashier redeems it, again and again."""
    try:
        while True:
            r = await post_form(resident, f"/rewards/offers/{offer_id}/code")
            assert r.status_code == WON, r.text[:300]
            load.wrote()
            code = await code_text(r.headers["location"])
            r = await post_form(cashier, f"/merchant/{merchant_id}/redeem/confirm",
                                {"code": code})
            assert r.status_code == WON, r.text[:300]
            load.wrote()
            load.redeemed.set()
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
    corner = await shop(world, price=2)
    for r in residents:
        await ledger.award(world.community_id, r.user_id, 500, "award", "test", None, "",
                           unique("k"))

    server = Server().start()
    try:
        resident_clients = {r.user_id: await signed_in_client(server.url, await session_token(r))
                            for r in residents}
        load = Load({w: resident_clients[o.user_id] for w, o in owner_of.items()})
        helper_clients = [await signed_in_client(server.url, await session_token(h))
                          for h in helpers]
        staff_client = await signed_in_client(server.url, await session_token(staff))
        cashier = await signed_in_client(server.url, await session_token(corner.owner))
        tasks = [asyncio.create_task(_helper_loop(c, wish_ids, load)) for c in helper_clients]
        tasks += [asyncio.create_task(_shopping_loop(c, cashier, corner.merchant_id,
                                                     corner.offer_id, load))
                  for c in resident_clients.values()]
        tasks.append(asyncio.create_task(_staff_loop(staff_client, residents, load)))
        # The kinds of write run at different speeds (wish steps on SQLite run on the event
        # loop's thread): wait for one redemption, which the checks below need, too.
        await asyncio.wait_for(asyncio.gather(load.enough.wait(), load.redeemed.wait()),
                               timeout=60)
        server.kill()  # SIGKILL while every client has a write in flight
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
        for client in [*resident_clients.values(), *helper_clients, staff_client, cashier]:
            await client.aclose()
    finally:
        server.kill()
    assert load.lost >= 1, "the kill should have cut off clients mid-load"

    check = ledger_check()
    assert check.returncode == 0, check.stdout + check.stderr
    assert await wish_breaches(wish_ids) == []
    assert await code_breaches(corner.merchant_id) == []
    assert await RedeemCode.count().where(
        (RedeemCode.merchant == corner.merchant_id) & (RedeemCode.status == "redeemed")) >= 1

    # The restarted server works on the same data: an unclaimed wish can still be claimed.
    with_restart = Server().start()
    try:
        client = await signed_in_client(with_restart.url, await session_token(helpers[0]))
        for wish_id in wish_ids:
            r = await post_form(client, f"/wishes/{wish_id}/claim")
            if claimed(r, wish_id):
                break
        else:
            pytest.fail("no wish could be claimed after the restart")
        await client.aclose()
    finally:
        with_restart.stop()
    assert ledger_check().returncode == 0
    assert await wish_breaches(wish_ids) == []

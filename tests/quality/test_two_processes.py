"""Two app processes on one database: simultaneous claims through both give exactly one
winner per wish, a resident's double confirmation through both pays once, a code redeemed
through both at once is spent once, the last item in stock goes to one resident, and the
ledger stays consistent. Runs on both databases: PostgreSQL is the deployment for several
machines; on SQLite the processes share one file and SQLite's file lock (with its busy
timeout) serialises writers across processes, where the in-process lock cannot.
"""

from __future__ import annotations

import asyncio

import pytest

from marketplace.ledger import service as ledger
from tests.cast import new_category, open_wish, session_token
from tests.conftest import World
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
from tests.rewards.helpers import resident, shop

pytestmark = pytest.mark.slow

HELPERS, WISHES = 4, 12


@pytest.fixture(scope="module")
def two_servers(database: None):  # type: ignore[no-untyped-def]
    servers = [Server().start(), Server().start()]
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()


async def test_claims_and_confirms_through_two_processes(two_servers: list[Server],
                                                         world: World) -> None:
    staff = await world.person(staff=True)
    owner = await world.person()
    helpers = [await world.person(helper=True) for _ in range(HELPERS)]
    category = await new_category(staff, points=7)
    wish_ids = [await open_wish(owner, staff, category) for _ in range(WISHES)]
    # Every helper has a client on each process.
    clients = [[await signed_in_client(s.url, await session_token(h)) for s in two_servers]
               for h in helpers]
    owner_clients = [await signed_in_client(s.url, await session_token(owner))
                     for s in two_servers]
    try:
        for wish_id in wish_ids:
            answers = await asyncio.gather(*[
                post_form(c, f"/wishes/{wish_id}/claim") for pair in clients for c in pair])
            # A winner goes to the wish; the others to the list, told it was taken.
            winners = [i for i, r in enumerate(answers) if claimed(r, wish_id)]
            assert len(winners) == 1, f"wish {wish_id}: {len(winners)} winners"
            assert all(r.status_code < 500 for r in answers)
            winner = clients[winners[0] // 2][winners[0] % 2]
            r = await post_form(winner, f"/wishes/{wish_id}/fulfil", {"note": "Done.",
                                                                      "hours": "1"})
            assert r.status_code == WON
            confirms = await asyncio.gather(*[
                post_form(c, f"/wishes/{wish_id}/confirm", {"rating": "4"})
                for c in owner_clients])
            assert [r.status_code for r in confirms].count(WON) == 1
    finally:
        for c in [*owner_clients, *[c for pair in clients for c in pair]]:
            await c.aclose()
    check = ledger_check()
    assert check.returncode == 0, check.stdout + check.stderr
    assert await wish_breaches(wish_ids) == []


async def test_redemptions_through_two_processes(two_servers: list[Server],
                                                 world: World) -> None:
    corner = await shop(world, price=5)
    last_one = await shop(world, price=5, stock=1, name="Last bag")
    buyers = [await resident(world, 100) for _ in range(4)]
    clients = {b.user_id: [await signed_in_client(s.url, await session_token(b))
                           for s in two_servers] for b in buyers}
    # Two tills per process: the same code typed at all four at once.
    tills = [await signed_in_client(s.url, await session_token(corner.owner))
             for s in two_servers for _ in range(2)]
    try:
        for buyer in buyers:
            r = await post_form(clients[buyer.user_id][0],
                                f"/rewards/offers/{corner.offer_id}/code")
            assert r.status_code == WON, r.text[:300]
            code = await code_text(r.headers["location"])
            answers = await asyncio.gather(*[
                post_form(t, f"/merchant/{corner.merchant_id}/redeem/confirm",
                          {"code": code}) for t in tills])
            assert [a.status_code for a in answers].count(WON) == 1
            assert all(a.status_code < 500 for a in answers)
        # Everyone asks for the last bag through both processes at once: one gets it.
        answers = await asyncio.gather(*[
            post_form(c, f"/rewards/offers/{last_one.offer_id}/code")
            for pair in clients.values() for c in pair])
        assert [a.status_code for a in answers].count(WON) == 1
        assert all(a.status_code < 500 for a in answers)
    finally:
        for c in [*tills, *[c for pair in clients.values() for c in pair]]:
            await c.aclose()
    for buyer in buyers:
        balance = await ledger.balance(buyer.user_id)
        assert balance.balance == 95  # one code spent, once
    assert await code_breaches(corner.merchant_id) == []
    assert await code_breaches(last_one.merchant_id) == []
    check = ledger_check()
    assert check.returncode == 0, check.stdout + check.stderr

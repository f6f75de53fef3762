"""Two app processes on one PostgreSQL: simultaneous claims through both give exactly one
winner per wish, a resident's double confirmation through both pays once, and the ledger
stays consistent. A PostgreSQL property: SQLite serves one machine's processes from one
file and is covered by the single-process race tests.
"""

from __future__ import annotations

import asyncio

import pytest

from marketplace import db
from tests.cast import new_category, open_wish, session_token
from tests.conftest import World
from tests.live import Server
from tests.quality.drive import WON, ledger_check, post_form, signed_in_client, wish_breaches

pytestmark = pytest.mark.slow

HELPERS, WISHES = 4, 12


@pytest.fixture(scope="module")
def two_servers(database: None):  # type: ignore[no-untyped-def]
    if db.is_sqlite():
        pytest.skip("several app processes on one database is a PostgreSQL deployment; "
                    "this run is on SQLite (the PostgreSQL run of `make test` covers it)")
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
            winners = [i for i, r in enumerate(answers) if r.status_code == WON]
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

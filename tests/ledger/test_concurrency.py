"""Races: simultaneous spends and replayed keys, each call in its own transaction."""

from __future__ import annotations

import asyncio

from marketplace.errors import DomainError
from marketplace.ledger import corrections, service
from marketplace.ledger.tables import Transfer
from tests.conftest import World, unique


async def test_100_simultaneous_spends_never_overdraw(world: World) -> None:
    giver = await world.person()
    receivers = [await world.person() for _ in range(4)]
    await service.award(world.community_id, giver.user_id, 250, "award", "", None, "",
                        unique("k"))

    async def spend(n: int) -> int:
        try:
            await service.donate(giver.user_id, receivers[n % 4].user_id, 7, giver.user_id,
                                 "", unique("k"))
        except DomainError:
            return 0
        return 7

    # 100 × 7 = 700 asked against 250: exactly 35 spends fit.
    spent = await asyncio.gather(*(spend(n) for n in range(100)))
    assert sum(spent) == 245
    assert (await service.balance(giver.user_id)).balance == 5
    received = [(await service.balance(r.user_id)).balance for r in receivers]
    assert sum(received) == 245
    assert await service.check() == []


async def test_same_key_50_times_at_once_is_one_transfer(world: World) -> None:
    person = await world.person()
    key = unique("k")
    results = await asyncio.gather(*(
        service.award(world.community_id, person.user_id, 3, "award", "wish:9", None, "", key)
        for _ in range(50)
    ))
    assert len({r["id"] for r in results}) == 1
    assert await Transfer.count().where(Transfer.idempotency_key == key) == 1
    assert (await service.balance(person.user_id)).balance == 3


async def test_concurrent_transfers_in_both_directions_do_not_deadlock(world: World) -> None:
    a, b = await world.person(), await world.person()
    for p in (a, b):
        await service.award(world.community_id, p.user_id, 100, "award", "", None, "",
                            unique("k"))
    calls = [service.donate(a.user_id, b.user_id, 1, None, "", unique("k")) for _ in range(30)]
    calls += [service.donate(b.user_id, a.user_id, 1, None, "", unique("k")) for _ in range(30)]
    await asyncio.gather(*calls)
    assert (await service.balance(a.user_id)).balance == 100
    assert (await service.balance(b.user_id)).balance == 100


async def test_concurrent_reversals_reverse_once(world: World) -> None:
    person, staff = await world.person(), await world.person(staff=True)
    t = await service.award(world.community_id, person.user_id, 9, "award", "", None, "",
                            unique("k"))
    results = await asyncio.gather(*(corrections.reverse(staff, t["id"], "oops")
                                     for _ in range(10)), return_exceptions=True)
    ids = {r["id"] for r in results if isinstance(r, dict)}
    assert len(ids) == 1
    assert all(isinstance(r, dict | DomainError) for r in results)
    assert await Transfer.count().where(Transfer.reverses == t["id"]) == 1
    assert (await service.balance(person.user_id)).balance == 0

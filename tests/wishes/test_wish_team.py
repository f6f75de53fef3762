"""Team claims: staff set the size at review; joining is race-safe; points are split."""

from __future__ import annotations

import asyncio

import pytest

from marketplace.accounts.tables import User
from marketplace.errors import Conflict, DomainError
from marketplace.ledger import service as ledger
from marketplace.wishes import service
from marketplace.wishes.tables import WishClaim
from tests.conftest import World, login
from tests.wishes.helpers import open_wish, status


async def test_team_size_is_limited_by_the_community(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    category = await service.add_category(staff, world.community_id, "Moving", 10)
    wish_id = await service.post_wish(owner, service.NewWish(category, "Carry a wardrobe"))
    with pytest.raises(DomainError, match="1 to 3 helpers"):
        await service.review(staff, wish_id, True, team_size=4)
    assert await status(wish_id) == "pending"


async def test_two_hundred_simultaneous_joins_fill_exactly_the_team(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    wish_id = await open_wish(world, owner, staff, team_size=3)
    helpers = [await world.person(helper=True) for _ in range(200)]
    results = await asyncio.gather(*(service.claim(h, wish_id) for h in helpers),
                                   return_exceptions=True)
    winners = [h for h, r in zip(helpers, results, strict=True) if r is None]
    assert len(winners) == 3
    assert all(isinstance(r, Conflict) for r in results if r is not None)
    active = await WishClaim.count().where(
        (WishClaim.wish == wish_id) & (WishClaim.active == True))  # noqa: E712
    assert active == 3
    assert sorted(await service.active_claimers(wish_id)) == sorted(
        h.user_id for h in winners)


async def test_points_split_evenly_remainder_to_first_joiner(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    first, second, third = (await world.person(helper=True), await world.person(helper=True),
                            await world.person(helper=True))
    wish_id = await open_wish(world, owner, staff, points=10, team_size=3)
    for helper in (first, second, third):
        await service.claim(helper, wish_id)
    with pytest.raises(Conflict, match="already complete"):
        await service.claim(await world.person(helper=True), wish_id)
    await service.fulfil(second, wish_id, "Carried it together", 60)
    await service.confirm(owner, wish_id, 5)
    assert [(await ledger.balance(h.user_id)).balance for h in (first, second, third)] == [
        4, 3, 3]
    assert await ledger.check() == []


async def test_a_member_leaving_keeps_the_claim_for_the_others(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    first, second = await world.person(helper=True), await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff, team_size=2)
    await service.claim(first, wish_id)
    await service.claim(second, wish_id)
    await service.release(first, wish_id, "Sorry")
    assert await status(wish_id) == "claimed"
    assert await service.active_claimers(wish_id) == [second.user_id]
    await service.release(second, wish_id)
    assert await status(wish_id) == "open"


async def test_every_team_member_sees_the_contact_details(client, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    first, second = await world.person(helper=True), await world.person(helper=True)
    outsider = await world.person(helper=True)
    await User.update({User.phone: "13700001111"}).where(User.id == owner.user_id)
    wish_id = await open_wish(world, owner, staff, team_size=2)
    await service.claim(first, wish_id)
    await login(client, outsider)
    assert "13700001111" not in (await client.get(f"/wishes/{wish_id}")).text
    client.cookies.clear()
    for member in (first, second):
        await login(client, member)
        if member is second:
            page = await client.get(f"/wishes/{wish_id}", headers={"accept-language": "en"})
            assert "Join the team" in page.text and "13700001111" not in page.text
            await service.claim(second, wish_id)
        assert "13700001111" in (await client.get(f"/wishes/{wish_id}")).text
        client.cookies.clear()

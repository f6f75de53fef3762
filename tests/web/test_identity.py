"""Who is asking costs one query per request: the session, the person with their staff,
helper and shop roles, and the unread count, together. The shops a person acts for are
only the verified ones."""

from __future__ import annotations

import httpx

from marketplace.notifications import service as notifications
from marketplace.rewards.tables import Merchant, MerchantMember
from tests.conftest import World, login, unique
from tests.statements import statements

EN = {"accept-language": "en"}


async def _shop(world: World, owner_id: int, status: str) -> int:
    row = await Merchant.insert(Merchant(community=world.community_id, owner=owner_id,
                                         name=unique("Shop "), status=status)
                                ).returning(Merchant.id)
    shop = int(row[0]["id"])
    await MerchantMember.insert(MerchantMember(merchant=shop, user=owner_id, role="owner",
                                               key=f"{shop}:{owner_id}"))
    return shop


async def test_one_query_knows_the_person_their_shops_and_unread_count(
        client: httpx.AsyncClient, world: World) -> None:
    person = await world.person(helper=True)
    await _shop(world, person.user_id, "verified")
    await _shop(world, person.user_id, "pending")  # not theirs to act for yet
    await notifications.send(person.user_id, "wish_approved", title="Mine")
    await login(client, person)
    with statements() as seen:
        r = await client.get("/health")
    assert r.status_code == 200 and len(seen) == 1
    page = (await client.get("/wishes/", headers=EN)).text
    assert 'href="/merchant"' in page  # "My shop": one verified shop
    assert '<span class="badge">' in page and "unread notifications" in page


async def test_without_a_verified_shop_there_is_no_shop_role(
        client: httpx.AsyncClient, world: World) -> None:
    person = await world.person()
    await _shop(world, person.user_id, "pending")
    await login(client, person)
    page = (await client.get("/wishes/mine", headers=EN)).text
    assert 'href="/merchant"' not in page and '<span class="badge">' not in page

"""Shared set-up for rewards tests: a verified shop with an offer, residents with points."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.accounts import sessions
from marketplace.ledger import service as ledger
from marketplace.principal import Principal
from marketplace.rewards import merchants, offers
from tests.conftest import World, unique


@dataclass
class Shop:
    owner: Principal
    merchant_id: int
    offer_id: int


async def shop(world: World, price: int = 10, stock: int | None = None,
               limit: int | None = None, period: str = "month", name: str = "Corner shop"
               ) -> Shop:
    owner = await world.person()
    staff = await world.person(staff=True)
    merchant_id = await merchants.apply(owner, merchants.Application(
        name, "1 River Road", "9:00–18:00", "13800001111", "Rice and oil"))
    await merchants.review(staff, merchant_id, True)
    owner = await merchants.with_merchant_roles(await sessions.load_principal(owner.user_id))
    offer_id = await offers.create(owner, merchant_id, offers.OfferInput(
        "Bag of rice", price, stock=stock, limit_count=limit, limit_period=period))
    return Shop(owner, merchant_id, offer_id)


async def resident(world: World, points: int = 100, name: str | None = None) -> Principal:
    person = await world.person(name=name)
    if points:
        await ledger.award(world.community_id, person.user_id, points, "award", "test", None,
                           "", unique("k"))
    return person


async def other_world() -> World:
    """A second community, for "not across communities" checks."""
    from marketplace.community.tables import Building, Community, Grid

    c = await Community.insert(Community(name=unique("Elsewhere "))).returning(Community.id)
    cid = int(c[0]["id"])
    g = await Grid.insert(Grid(community=cid, name="Grid Z")).returning(Grid.id)
    b = await Building.insert(Building(grid=int(g[0]["id"]), name="B")).returning(Building.id)
    return World(cid, int(g[0]["id"]), int(b[0]["id"]))

"""Shared set-up for wish tests: a wish in a chosen state, made through the service."""

from __future__ import annotations

from marketplace.principal import Principal
from marketplace.wishes import service
from marketplace.wishes.tables import Wish
from tests.conftest import World, unique


async def open_wish(world: World, owner: Principal, staff: Principal, points: int = 10,
                    team_size: int = 1, title: str = "Mend the fence") -> int:
    # Names are unique per community: each wish made here gets a category of its own.
    category = await service.add_category(staff, world.community_id, unique("Repairs "),
                                          points)
    wish_id = await service.post_wish(owner, service.NewWish(category, title))
    await service.review(staff, wish_id, True, points, team_size=team_size)
    return wish_id


async def status(wish_id: int) -> str:
    return (await Wish.select(Wish.status).where(Wish.id == wish_id).first())["status"]

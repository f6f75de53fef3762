"""Shared set-up for wish tests: a wish in a chosen state, made through the service."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

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


async def age(wish_id: int, by: timedelta) -> None:
    """Make this wish look ``by`` older (its last change and its claim deadline), so that a
    timer run now finds it due. The timers sweep every row: run at a future moment instead,
    they would age the whole test database with it, the demo too (loaded once a session,
    then read by later tests, which found its waiting wish confirmed by a stranger's test)."""
    row = await Wish.select(Wish.updated_at, Wish.claim_deadline).where(
        Wish.id == wish_id).first()
    older: dict[Any, Any] = {Wish.updated_at: row["updated_at"] - by}
    if row["claim_deadline"] is not None:
        older[Wish.claim_deadline] = row["claim_deadline"] - by
    await Wish.update(older).where(Wish.id == wish_id)

"""A helper's home counts the open wishes near them (their grid); when none is, it says how
many wait elsewhere in the community instead of leaving "0 near you" as the last word."""

from __future__ import annotations

from marketplace.community.tables import Building, Grid
from tests.conftest import World, login, text_of
from tests.wishes.helpers import open_wish

EN = {"accept-language": "en"}


async def _other_grid(world: World) -> World:
    g = await Grid.insert(Grid(community=world.community_id, name="Grid B")).returning(Grid.id)
    b = await Building.insert(Building(grid=int(g[0]["id"]), name="Building 9")).returning(
        Building.id)
    return World(world.community_id, int(g[0]["id"]), int(b[0]["id"]))


async def test_none_near_says_how_many_wait_elsewhere(client, world: World) -> None:
    staff, helper = await world.person(staff=True), await world.person(helper=True)
    far = await _other_grid(world)
    await open_wish(far, await far.person(), staff)
    await login(client, helper)
    home = text_of((await client.get("/", headers=EN)).text)
    assert "0 open wishes near you" in home
    assert "1 open wishes elsewhere in the community" in home
    zh = text_of((await client.get("/", headers={"accept-language": "zh-CN"})).text)
    assert "1 个心愿在社区其他网格等人认领" in zh

    await open_wish(world, await world.person(), staff)  # now one near: no detour offered
    home = text_of((await client.get("/", headers=EN)).text)
    assert "1 open wishes near you" in home and "elsewhere in the community" not in home

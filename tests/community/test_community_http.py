"""Communities, grids and buildings on real pages; staff act only on their own."""

from __future__ import annotations

from marketplace.accounts.tables import StaffMembership
from marketplace.community.tables import Building, Community, Grid
from tests.conftest import World, login, post, unique


async def test_admin_creates_community_and_appoints_staff(client, world: World) -> None:
    admin = await world.person(admin=True)
    future_staff = await world.person()
    await login(client, admin)
    name = unique("Yuehe ")
    r = await post(client, "/manage/communities", {"name": name, "district": "Weicheng"})
    assert r.status_code == 303
    cid = (await Community.select(Community.id).where(Community.name == name).first())["id"]
    r = await post(client, f"/manage/communities/{cid}/staff", {"person": future_staff.login})
    assert r.status_code == 303
    assert await StaffMembership.exists().where(
        (StaffMembership.user == future_staff.user_id) & (StaffMembership.community == cid))
    page = await client.get(f"/manage/communities/{cid}")
    assert future_staff.display_name in page.text


async def test_duplicate_community_name_is_refused(client, world: World) -> None:
    admin = await world.person(admin=True)
    await login(client, admin)
    name = unique("C ")
    await post(client, "/manage/communities", {"name": name})
    r = await post(client, "/manage/communities", {"name": name},
                   headers={"accept-language": "en"})
    assert r.status_code == 409 and "already exists" in r.text


async def test_staff_manage_grids_and_buildings(client, world: World) -> None:
    staff = await world.person(staff=True)
    await login(client, staff)
    r = await post(client, f"/manage/communities/{world.community_id}/grids", {"name": "Grid Z"})
    assert r.status_code == 303
    grid = await Grid.select().where(
        (Grid.community == world.community_id) & (Grid.name == "Grid Z")).first()
    await post(client, f"/manage/grids/{grid['id']}/buildings", {"name": "Block 9"})
    building = await Building.select().where(Building.grid == grid["id"]).first()
    assert building["name"] == "Block 9"
    await post(client, f"/manage/building/{building['id']}/rename", {"name": "Block 10"})
    # Archiving asks first (without JavaScript: a confirmation page that posts again).
    r = await post(client, f"/manage/grid/{grid['id']}/archive", {"archived": "1"},
                   headers={"accept-language": "en"})
    assert r.status_code == 200 and "Archive “Grid Z”?" in r.text
    assert 'name="confirm" value="yes"' in r.text and 'name="archived" value="1"' in r.text
    assert (await Grid.select().where(Grid.id == grid["id"]).first())["archived"] is False
    page = (await client.get(f"/manage/communities/{world.community_id}")).text
    assert 'hx-confirm=' in page and 'hx-vals=\'{"confirm": "yes"}\'' in page
    r = await post(client, f"/manage/grid/{grid['id']}/archive",
                   {"archived": "1", "confirm": "yes"})
    assert r.status_code == 303
    assert (await Building.select().where(Building.id == building["id"]).first())["name"] == \
        "Block 10"
    assert (await Grid.select().where(Grid.id == grid["id"]).first())["archived"] is True
    r = await post(client, f"/manage/grid/{grid['id']}/archive", {"archived": "0"})
    assert r.status_code == 303  # restoring is harmless: no question
    assert (await Grid.select().where(Grid.id == grid["id"]).first())["archived"] is False


async def test_duplicate_place_names_are_refused_on_the_same_form(client, world: World) -> None:
    staff = await world.person(staff=True)
    await login(client, staff)
    url = f"/manage/communities/{world.community_id}/grids"
    assert (await post(client, url, {"name": "North Gate"})).status_code == 303
    r = await post(client, url, {"name": "  north gate "}, headers={"accept-language": "en"})
    assert r.status_code == 422 and "already has a grid called" in r.text
    assert 'value="  north gate "' in r.text and 'aria-invalid="true"' in r.text
    grids = await Grid.select(Grid.id).where(Grid.community == world.community_id).order_by(
        Grid.id)
    assert len(grids) == 2  # the world's grid and North Gate, not a third
    grid_id = grids[-1]["id"]
    building_url = f"/manage/grids/{grid_id}/buildings"
    assert (await post(client, building_url, {"name": "Block 1"})).status_code == 303
    r = await post(client, building_url, {"name": "BLOCK 1"}, headers={"accept-language": "en"})
    assert r.status_code == 422 and "already has a building called" in r.text
    r = await post(client, f"/manage/grid/{grid_id}/rename", {"name": "North Gate"})
    assert r.status_code == 303  # keeping its own name is not a duplicate


async def test_staff_cannot_touch_another_community(client, world: World) -> None:
    staff = await world.person(staff=True)
    c = await Community.insert(Community(name=unique("Far "))).returning(Community.id)
    far = int(c[0]["id"])
    g = await Grid.insert(Grid(community=far, name="Far grid")).returning(Grid.id)
    await login(client, staff)
    r = await post(client, f"/manage/grid/{g[0]['id']}/rename", {"name": "hijacked"})
    assert r.status_code == 403
    r = await post(client, f"/manage/communities/{far}/grids", {"name": "sneaky"})
    assert r.status_code == 403
    assert (await client.get(f"/manage/communities/{far}")).status_code == 403
    assert not await Grid.exists().where(Grid.name.is_in(["hijacked", "sneaky"]))
    r = await post(client, "/manage/communities", {"name": "not allowed"})
    assert r.status_code == 403

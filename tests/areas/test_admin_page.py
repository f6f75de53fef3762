"""Administrators build the hierarchy on /admin/areas: districts, streets, which
community is under which street, and street and district staff."""

from __future__ import annotations

from marketplace.accounts import sessions
from marketplace.accounts.tables import AreaStaffMembership
from marketplace.community.tables import Community, District, Street
from tests.cast import new_world
from tests.conftest import login, post, unique


async def test_admin_builds_the_hierarchy(client) -> None:
    world = await new_world()
    admin = await world.person(admin=True)
    await login(client, admin)
    name = unique("District ")
    assert (await post(client, "/admin/areas/districts",
                       {"name": name, "target_hours": "20"})).status_code == 303
    district = await District.select().where(District.name == name).first()
    assert district["yearly_target_hours"] == 20
    d = district["id"]
    street = unique("Street ")
    assert (await post(client, f"/admin/areas/districts/{d}/streets", {"name": street})
            ).status_code == 303
    street_id = (await Street.select(Street.id).where(Street.name == street).first())["id"]
    renamed = unique("Street ")
    assert (await post(client, f"/admin/areas/streets/{street_id}/rename", {"name": renamed})
            ).status_code == 303
    assert await Street.exists().where(Street.name == renamed)
    assert (await post(client, f"/admin/areas/communities/{world.community_id}/street",
                       {"street": str(street_id)})).status_code == 303
    row = await Community.select(Community.street).where(
        Community.id == world.community_id).first()
    assert row["street"] == street_id
    person = await world.person(name=unique("Wang "))
    assert (await post(client, f"/admin/areas/streets/{street_id}/staff",
                       {"person": person.login})).status_code == 303
    assert street_id in (await sessions.load_principal(person.user_id)).street_ids
    page = await client.get("/admin/areas")
    assert renamed in page.text and person.display_name in page.text
    membership = await AreaStaffMembership.select(AreaStaffMembership.id).where(
        AreaStaffMembership.user == person.user_id).first()
    assert (await post(client, f"/admin/areas/staff/{membership['id']}/end")
            ).status_code == 303
    assert not (await sessions.load_principal(person.user_id)).street_ids


async def test_refusals_stay_on_their_form(client) -> None:
    world = await new_world()
    admin = await world.person(admin=True)
    await login(client, admin)
    name = unique("District ")
    await post(client, "/admin/areas/districts", {"name": name})
    again = await post(client, "/admin/areas/districts", {"name": f" {name.upper()} "})
    assert again.status_code == 422
    assert 'id="new-district"' in again.text and 'aria-invalid="true"' in again.text
    target = await post(client, "/admin/areas/districts",
                        {"name": unique("District "), "target_hours": "-3"})
    assert target.status_code == 422
    assert 'id="new-district-target"' in target.text
    d = (await District.select(District.id).where(District.name == name).first())["id"]
    nobody = await post(client, f"/admin/areas/districts/{d}/staff", {"person": "nobody-xyz"})
    assert nobody.status_code == 422 and "nobody-xyz" in nobody.text


async def test_community_staff_cannot_manage_areas(client) -> None:
    world = await new_world()
    staff = await world.person(staff=True)
    await login(client, staff)
    assert (await client.get("/admin/areas")).status_code == 403
    assert (await post(client, "/admin/areas/districts", {"name": unique("D ")})
            ).status_code == 403

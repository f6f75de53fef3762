"""Members for staff: search, filters, paging, the member page, and who may see them."""

from __future__ import annotations

from marketplace.accounts import members
from marketplace.accounts.tables import User
from marketplace.care import service as care
from tests.cast import new_world
from tests.conftest import World, login, text_of, unique

EN = {"accept-language": "en"}


async def _named(world: World, name: str, phone: str = "", **roles: bool):  # type: ignore[no-untyped-def]
    person = await world.person(name=name, **roles)
    if phone:
        await User.update({User.phone: phone}).where(User.id == person.user_id)
    return person


async def test_staff_find_members_by_name_login_and_phone_ending(client, world: World) -> None:
    staff = await world.person(staff=True)
    auntie = await _named(world, unique("Auntie Wang "), phone="13800001234")
    uncle = await _named(world, unique("Uncle Li "), phone="13900005678")
    await login(client, staff)
    r = await client.get("/staff/members", params={"q": "Auntie Wang"}, headers=EN)
    assert r.status_code == 200
    assert auntie.display_name in r.text and uncle.display_name not in r.text
    r = await client.get("/staff/members", params={"q": uncle.login}, headers=EN)
    assert uncle.display_name in r.text and auntie.display_name not in r.text
    r = await client.get("/staff/members", params={"q": "1234"}, headers=EN)
    assert auntie.display_name in r.text and uncle.display_name not in r.text
    # htmx gets only the results, the same markup the page includes.
    r = await client.get("/staff/members", params={"q": "5678"},
                         headers={**EN, "HX-Request": "true"})
    assert r.text.lstrip().startswith('<div id="members">') and uncle.display_name in r.text


async def test_typed_wildcards_match_nothing_special(client, world: World) -> None:
    """"%" or "_" typed in the search box is not a wildcard: "A_ntie" would otherwise find
    "Auntie", "Auntie%Zhao" anyone named Auntie ... Zhao."""
    staff = await world.person(staff=True)
    auntie = await _named(world, unique("Auntie Zhao "))
    await login(client, staff)
    for typed in ("A_ntie Zhao", "Auntie%Zhao"):
        r = await client.get("/staff/members", params={"q": typed}, headers=EN)
        assert r.status_code == 200 and auntie.display_name not in r.text, typed
    r = await client.get("/staff/members", params={"q": "Auntie_ Zhao"}, headers=EN)
    assert auntie.display_name in r.text


async def test_filters_role_helper_status_and_in_need(client, world: World) -> None:
    staff = await world.person(staff=True)
    helper = await world.person(helper=True, name=unique("Helper "))
    needy = await world.person(name=unique("Needy "))
    await care.mark_in_need(staff, needy.user_id, "after surgery",
                            category="alone", consent="self")
    await login(client, staff)
    r = await client.get("/staff/members", params={"role": "helper"}, headers=EN)
    assert helper.display_name in r.text and needy.display_name not in r.text
    r = await client.get("/staff/members", params={"in_need": "1"}, headers=EN)
    assert needy.display_name in text_of(r.text) and helper.display_name not in r.text
    r = await client.get("/staff/members", params={"helper": "none", "role": "staff"},
                         headers=EN)
    assert staff.display_name in r.text and helper.display_name not in r.text


async def test_the_list_pages_with_a_cursor(world: World) -> None:
    staff = await world.person(staff=True)
    for n in range(members.PAGE_SIZE + 2):
        await world.person(name=f"Paged {n:02d}")
    first = await members.search(staff, members.MemberFilter(world.community_id, "Paged"))
    assert len(first.rows) == members.PAGE_SIZE and first.next_before
    rest = await members.search(staff, members.MemberFilter(world.community_id, "Paged",
                                                             before=first.next_before))
    assert len(rest.rows) == 2 and first.next_before and rest.next_before is None
    assert not {r["id"] for r in first.rows} & {r["id"] for r in rest.rows}


async def test_member_page_gathers_profile_roles_points_and_actions(client, world: World
                                                                   ) -> None:
    staff = await world.person(staff=True)
    helper = await world.person(helper=True, name=unique("Helper "))
    await login(client, staff)
    r = await client.get(f"/staff/members/{helper.user_id}", headers=EN)
    assert r.status_code == 200
    page = text_of(r.text)
    assert helper.display_name in page and helper.login in page and "Helper" in page
    assert f"/staff/points/{helper.user_id}" in r.text
    assert f"/staff/members/{helper.user_id}/reset-code" in r.text
    assert "Mark as in need" in page


async def test_staff_of_another_community_see_none_of_its_members(client, world: World
                                                                  ) -> None:
    resident = await world.person(name=unique("Resident "))
    other = await new_world()
    outsider = await other.person(staff=True)
    await login(client, outsider)
    r = await client.get(f"/staff/members/{resident.user_id}", headers=EN)
    assert r.status_code == 403 and resident.display_name not in r.text
    r = await client.get("/staff/members", params={"community": world.community_id},
                         headers=EN)
    assert r.status_code == 403 and resident.display_name not in r.text
    # Their own list does not show people of other communities either.
    r = await client.get("/staff/members", params={"q": resident.display_name}, headers=EN)
    assert r.status_code == 200 and f"/staff/members/{resident.user_id}" not in r.text
    assert "No members match." in r.text
    # Residents and helpers have no member list at all.
    client.cookies.clear()
    await login(client, await world.person(helper=True))
    r = await client.get("/staff/members", headers=EN)
    assert r.status_code in (401, 403) and resident.display_name not in r.text


async def test_administrators_see_members_of_any_community(client, world: World) -> None:
    resident = await world.person(name=unique("Resident "))
    admin = await (await new_world()).person(admin=True)
    await login(client, admin)
    r = await client.get(f"/staff/members/{resident.user_id}", headers=EN)
    assert r.status_code == 200 and resident.display_name in r.text

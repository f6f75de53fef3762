"""Appointing a unit's contact with the search-and-choose picker: district staff find people
of their district's communities by name (masked phone, community, grid), choose one and
confirm; a forged or outside id is refused on the same page; the exact login still works."""

from __future__ import annotations

import re

from marketplace.accounts.tables import User, WorkUnitContact
from marketplace.audit.tables import AuditEvent
from marketplace.community.tables import Community, Grid
from tests.conftest import World, login, post, text_of, unique
from tests.workunits.conftest import Area

EN = {"accept-language": "en"}
HTMX = {**EN, "HX-Request": "true"}


async def _outside_world() -> World:
    """A community under no street of the district (another county's residents)."""
    c = await Community.insert(Community(name=unique("Elsewhere "))).returning(Community.id)
    g = await Grid.insert(Grid(community=int(c[0]["id"]), name="Far grid")).returning(Grid.id)
    return World(int(c[0]["id"]), int(g[0]["id"]), 0)


async def _person(world: World, name: str, phone: str = "") -> int:
    login = unique("p")
    row = await User.insert(User(login=login, display_name=name, password_hash="x",
                                 phone=phone, community=world.community_id,
                                 grid=world.grid_id)).returning(User.id)
    return int(row[0]["id"])


def _radios(html: str) -> set[int]:
    return {int(v) for v in re.findall(r'name="person_id" value="(\d+)"', html)}


async def _contacts(unit_id: int) -> set[int]:
    rows = await WorkUnitContact.select(WorkUnitContact.user).where(
        (WorkUnitContact.work_unit == unit_id) & (WorkUnitContact.active == True))  # noqa: E712
    return {int(r["user"]) for r in rows}


async def test_the_search_finds_the_districts_people_with_a_masked_phone(client, area: Area
                                                                        ) -> None:
    unit_id = await area.unit()
    near = await _person(area.world, "王芳", "13812345678")
    far = await _person(await _outside_world(), "王芳", "13900001111")
    await login(client, await area.district_staff())
    r = await client.get(f"/admin/work-units/{unit_id}/pick?person=王芳", headers=HTMX)
    assert r.status_code == 200 and "<html" not in r.text
    assert _radios(r.text) == {near}
    assert "138****5678" in r.text and "13812345678" not in r.text and "Grid A" in r.text
    login_of = (await User.select(User.login).where(User.id == near).first())["login"]
    assert login_of not in r.text  # district staff are not shown logins
    r = await client.get(f"/admin/work-units/{unit_id}/pick?person=5678", headers=HTMX)
    assert _radios(r.text) == {near}  # the phone's last digits
    r = await client.get(f"/admin/work-units/{unit_id}/pick?person=1111", headers=HTMX)
    assert _radios(r.text) == set() and "Nobody in this district" in r.text
    assert far not in _radios(r.text)


async def test_without_javascript_search_then_choose_and_confirm(client, area: Area) -> None:
    unit_id = await area.unit()
    chosen = await _person(area.world, "李建国")
    other = await _person(area.world, "李建华")
    staff = await area.district_staff()
    await login(client, staff)
    r = await post(client, f"/admin/work-units/{unit_id}/contacts", {"person": "李建"},
                   headers=EN)
    assert r.status_code == 422 and "Choose the person, then press Appoint" in r.text
    assert _radios(r.text) == {chosen, other} and 'value="李建"' in r.text
    assert await _contacts(unit_id) == set()
    r = await post(client, f"/admin/work-units/{unit_id}/contacts", {"person": "李建国"},
                   headers=EN)  # one match: still shown, ticked, to confirm
    assert r.status_code == 422 and _radios(r.text) == {chosen} and " checked" in r.text
    r = await post(client, f"/admin/work-units/{unit_id}/contacts",
                   {"person": "李建", "person_id": str(chosen)})
    assert r.status_code == 303 and await _contacts(unit_id) == {chosen}
    line = await AuditEvent.select().where(
        (AuditEvent.action == "work_unit_contact_appointed")
        & (AuditEvent.target_id == unit_id)).first()
    assert line["actor"] == staff.user_id and line["detail"] == str(chosen)


async def test_someone_outside_the_district_is_refused_by_id(client, area: Area) -> None:
    unit_id = await area.unit()
    far = await _person(await _outside_world(), "赵外人")
    await login(client, await area.district_staff())
    for forged in (str(far), "987654321"):
        r = await post(client, f"/admin/work-units/{unit_id}/contacts",
                       {"person": "赵外人", "person_id": forged}, headers=EN)
        assert r.status_code == 422 and "cannot be appointed here" in r.text
        assert 'value="赵外人"' in r.text
    r = await post(client, f"/admin/work-units/{unit_id}/contacts",
                   {"person": "赵外人", "person_id": "abc"}, headers=EN)
    assert r.status_code == 422 and "field-error" in r.text
    r = await post(client, f"/admin/work-units/{unit_id}/contacts", {"person": "赵外人"},
                   headers=EN)
    assert r.status_code == 422 and "Nobody in this district" in r.text
    assert await _contacts(unit_id) == set()


async def test_the_exact_login_still_appoints_anyone(client, area: Area) -> None:
    unit_id = await area.unit()
    far = await _person(await _outside_world(), "钱远")
    far_login = (await User.select(User.login).where(User.id == far).first())["login"]
    await login(client, await area.district_staff())
    r = await post(client, f"/admin/work-units/{unit_id}/contacts", {"person": far_login})
    assert r.status_code == 303 and await _contacts(unit_id) == {far}


async def test_empty_and_too_broad_searches_come_back_politely(client, area: Area) -> None:
    unit_id = await area.unit()
    many = {await _person(area.world, f"张伟{i}") for i in range(10)}
    await login(client, await area.district_staff())
    r = await post(client, f"/admin/work-units/{unit_id}/contacts", {"person": "  "},
                   headers=EN)
    assert r.status_code == 422 and "Please type a name" in r.text
    r = await post(client, f"/admin/work-units/{unit_id}/contacts", {"person": "张伟"},
                   headers=EN)
    assert r.status_code == 422 and "More than 8 people match" in text_of(r.text)
    assert len(_radios(r.text)) == 8 and _radios(r.text) <= many
    r = await post(client, f"/admin/work-units/{unit_id}/contacts", {"person": "张伟"},
                   headers={"accept-language": "zh"})
    assert "超过" in r.text
    r = await post(client, f"/admin/work-units/{unit_id}/contacts", {"person": "张伟"},
                   headers=HTMX)  # htmx swaps only 2xx answers: the form comes back in place
    assert r.status_code == 200 and len(_radios(r.text)) == 8


async def test_other_districts_units_and_administrators(client, area: Area) -> None:
    from tests.workunits.conftest import make_district

    other_district, _street = await make_district()
    theirs = await area.unit(district_id=other_district)
    near = await _person(area.world, "孙管理")
    far = await _person(await _outside_world(), "孙管理")
    await login(client, await area.district_staff())
    r = await client.get(f"/admin/work-units/{theirs}/pick?person=孙", headers=EN)
    assert r.status_code == 404 and not _radios(r.text)
    r = await post(client, f"/admin/work-units/{theirs}/contacts",
                   {"person": "x", "person_id": str(near)}, headers=EN)
    assert r.status_code == 404 and await _contacts(theirs) == set()
    client.cookies.clear()
    await login(client, await area.world.person(admin=True))
    r = await client.get(f"/admin/work-units/{theirs}/pick?person=孙管理", headers=HTMX)
    assert _radios(r.text) == {near, far}  # administrators appoint anyone
    far_login = (await User.select(User.login).where(User.id == far).first())["login"]
    assert far_login in r.text
    r = await post(client, f"/admin/work-units/{theirs}/contacts",
                   {"person": "孙管理", "person_id": str(far)})
    assert r.status_code == 303 and await _contacts(theirs) == {far}

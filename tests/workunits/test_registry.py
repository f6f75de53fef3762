"""The registry: a party member picks a unit or asks for one; district staff keep their
district's units, accept or merge the ones asked for, and appoint contacts."""

from __future__ import annotations

import pytest

from marketplace.accounts.tables import HelperProfile, WorkUnitContact
from marketplace.audit.tables import AuditEvent
from marketplace.community.tables import WorkUnit
from marketplace.errors import DomainError, Forbidden, NotFound
from marketplace.workunits import service
from marketplace.workunits.service import UnitFields, UnitFilter
from tests.conftest import login, post, text_of
from tests.workunits.conftest import Area, make_district

EN = {"accept-language": "en"}


async def _profile(user_id: int) -> dict:
    return await HelperProfile.select().where(HelperProfile.user == user_id).first()


async def test_registering_picks_a_unit_of_the_district(client, area: Area) -> None:
    tax = await area.unit("潍城区税务局")
    elsewhere = await area.unit("Other district unit", district_id=(await make_district())[0])
    person = await area.world.person()
    await login(client, person)
    page = await client.get("/me", headers=EN)
    assert "潍城区税务局" in page.text and "Other district unit" not in page.text
    r = await post(client, "/me/helper", {"kind": "party_member", "work_unit_id": str(tax)})
    assert r.status_code == 303
    row = await _profile(person.user_id)
    assert row["work_unit_ref"] == tax and row["work_unit"] == "潍城区税务局"
    # Another district's unit cannot be chosen by its id.
    r = await post(client, "/me/helper", {"kind": "party_member",
                                          "work_unit_id": str(elsewhere)}, headers=EN)
    assert r.status_code == 422 and "your district" in r.text
    assert (await _profile(person.user_id))["work_unit_ref"] == tax


async def test_a_typed_name_matches_ignoring_case_and_spaces(client, area: Area) -> None:
    unit = await area.unit("District Tax Office")
    person = await area.world.person()
    await login(client, person)
    r = await post(client, "/me/helper", {"kind": "party_member",
                                          "work_unit": "  district  taxoffice "})
    assert r.status_code == 303
    assert (await _profile(person.user_id))["work_unit_ref"] == unit


async def test_not_listed_offers_near_units_then_asks_for_one(client, area: Area) -> None:
    await area.unit("潍城区税务局")
    person = await area.world.person()
    await login(client, person)
    r = await post(client, "/me/helper", {"kind": "party_member", "work_unit": "税务"},
                   headers=EN)
    assert r.status_code == 422 and "not in the registry" in r.text
    assert 'name="work_unit_id"' in r.text and "潍城区税务局" in text_of(r.text)
    assert await _profile(person.user_id) is None
    suggestions = await client.get("/me/work-units?work_unit=税务", headers={"HX-Request": "true"})
    assert "潍城区税务局" in suggestions.text and "<html" not in suggestions.text
    r = await post(client, "/me/helper", {"kind": "party_member", "work_unit": "潍坊银行",
                                          "ask_unit": "on"})
    assert r.status_code == 303
    row = await _profile(person.user_id)
    asked = await WorkUnit.select().where(WorkUnit.id == row["work_unit_ref"]).first()
    assert asked["name"] == "潍坊银行" and asked["status"] == "requested"
    assert asked["district"] == area.district_id
    staff = await area.district_staff()
    requested = await service.units(staff, UnitFilter(status="requested"))
    assert [u["id"] for u in requested] == [asked["id"]]
    await service.accept(staff, asked["id"])
    assert (await WorkUnit.select(WorkUnit.status).where(WorkUnit.id == asked["id"]).first()
            )["status"] == "active"


async def test_a_community_under_no_street_uses_the_registry_without_district(
        client, world) -> None:
    loose = await WorkUnit.insert(WorkUnit(name="无区单位 Loose unit", district=None)
                                  ).returning(WorkUnit.id)
    person = await world.person()
    await login(client, person)
    r = await post(client, "/me/helper", {"kind": "party_member",
                                          "work_unit": "无区单位 loose unit"})
    assert r.status_code == 303
    assert (await _profile(person.user_id))["work_unit_ref"] == loose[0]["id"]


async def test_merge_moves_members_in_one_transaction(area: Area) -> None:
    staff = await area.district_staff()
    real = await area.unit("潍城区税务局")
    typo = await area.unit("潍城区税务 局局", status="requested")
    a, b = await area.member(typo), await area.member(typo)
    contact = await area.contact(typo)
    both = await area.contact(typo)
    await WorkUnitContact.insert(WorkUnitContact(user=both.user_id, work_unit=real))
    moved = await service.merge(staff, typo, real)
    assert await WorkUnitContact.count().where(
        (WorkUnitContact.user == both.user_id) & (WorkUnitContact.active == True)) == 1  # noqa: E712
    assert moved == 2
    for person in (a, b):
        row = await _profile(person.user_id)
        assert row["work_unit_ref"] == real and row["work_unit"] == "潍城区税务局"
    assert not await WorkUnit.exists().where(WorkUnit.id == typo)
    assert await WorkUnitContact.exists().where(
        (WorkUnitContact.user == contact.user_id) & (WorkUnitContact.work_unit == real))
    assert await AuditEvent.exists().where((AuditEvent.action == "work_unit_merged")
                                           & (AuditEvent.target_id == real))


async def test_a_failed_merge_changes_nothing(area: Area) -> None:
    staff = await area.district_staff()
    typo = await area.unit(status="requested")
    other_district = await area.unit(district_id=(await make_district())[0])
    member = await area.member(typo)
    with pytest.raises(DomainError):
        await service.merge(staff, typo, other_district)
    with pytest.raises(DomainError):
        await service.merge(staff, typo, typo)
    assert (await _profile(member.user_id))["work_unit_ref"] == typo
    assert await WorkUnit.exists().where(WorkUnit.id == typo)


async def test_district_staff_keep_only_their_district(area: Area) -> None:
    other_id, _street = await make_district()
    ours = await area.unit("Ours")
    theirs = await area.unit("Theirs", district_id=other_id)
    staff = await area.district_staff()
    listed = {u["id"] for u in await service.units(staff, UnitFilter())}
    assert ours in listed and theirs not in listed
    with pytest.raises(NotFound):
        await service.unit(staff, theirs)
    with pytest.raises(Forbidden):
        await service.add(staff, other_id, UnitFields("New"))
    with pytest.raises(Forbidden):
        await service.units(staff, UnitFilter(no_district=True))
    with pytest.raises(NotFound):
        await service.edit(staff, theirs, UnitFields("Renamed"))
    resident = await area.world.person()
    with pytest.raises(Forbidden):
        await service.units(resident, UnitFilter())


async def test_names_are_unique_per_registry_and_renames_reach_members(area: Area) -> None:
    staff = await area.district_staff()
    unit = await service.add(staff, area.district_id, UnitFields("Water Works", "党支部"))
    with pytest.raises(DomainError) as exc:
        await service.add(staff, area.district_id, UnitFields(" water  works "))
    assert exc.value.field == "name"
    member = await area.member(unit)
    await service.edit(staff, unit, UnitFields("City Water Works", party_members=40))
    assert (await _profile(member.user_id))["work_unit"] == "City Water Works"


async def test_registry_pages_and_appointing_a_contact(client, area: Area) -> None:
    staff = await area.district_staff()
    await login(client, staff)
    r = await post(client, "/admin/work-units/", {"district": str(area.district_id),
                                                  "name": "", "party_members": "x"},
                   headers=EN)
    assert r.status_code == 422 and "field-error" in r.text, text_of(r.text)[-1500:]
    r = await post(client, "/admin/work-units/", {"district": str(area.district_id),
                                                  "name": "潍城区税务局", "party_members": "12"})
    assert r.status_code == 303
    unit_id = int(r.headers["location"].rsplit("/", 1)[1])
    listing = await client.get("/admin/work-units/?q=税务")
    assert "潍城区税务局" in listing.text
    person = await area.world.person()
    r = await post(client, f"/admin/work-units/{unit_id}/contacts",
                   {"person": "nobody-like-this"}, headers=EN)
    assert r.status_code == 422 and "register first" in r.text
    r = await post(client, f"/admin/work-units/{unit_id}/contacts", {"person": person.login})
    assert r.status_code == 303
    contact = await WorkUnitContact.select().where(WorkUnitContact.user == person.user_id
                                                   ).first()
    assert contact["work_unit"] == unit_id and contact["active"]
    r = await post(client, f"/admin/work-units/contacts/{contact['id']}/end")
    assert r.status_code == 303
    assert not (await WorkUnitContact.select().where(
        WorkUnitContact.id == contact["id"]).first())["active"]


async def test_the_match_command_links_typed_names_to_the_registry(area: Area) -> None:
    from marketplace.workunits import matching

    unit = await area.unit("潍城区 教育局")
    typed = await area.world.person()
    unknown = await area.world.person()
    await HelperProfile.insert(
        HelperProfile(user=typed.user_id, kind="party_member", work_unit=" 潍城区教育局 "),
        HelperProfile(user=unknown.user_id, kind="party_member", work_unit="无名单位xyz"))
    dry = await matching.match_typed(dry_run=True)
    assert dry.unmatched["无名单位xyz"] == 1
    assert (await _profile(typed.user_id))["work_unit_ref"] is None
    await matching.match_typed()
    row = await _profile(typed.user_id)
    assert row["work_unit_ref"] == unit and row["work_unit"] == "潍城区 教育局"
    assert (await _profile(unknown.user_id))["work_unit_ref"] is None


async def test_an_administrator_merges_an_asked_for_unit_on_its_page(client, area: Area
                                                                     ) -> None:
    admin = await area.world.person(admin=True)
    real = await area.unit("潍城区税务局")
    asked = await area.unit("税务局潍城", status="requested")
    member = await area.member(asked)
    await login(client, admin)
    page = await client.get(f"/admin/work-units/{asked}", headers={"accept-language": "zh"})
    assert page.status_code == 200 and "收录" in page.text and "潍城区税务局" in page.text
    r = await post(client, f"/admin/work-units/{asked}/merge", {"into": ""}, headers=EN)
    assert r.status_code == 422 and "Please choose the work unit to merge into" in r.text
    r = await post(client, f"/admin/work-units/{asked}/merge", {"into": str(real)})
    assert r.status_code == 303 and r.headers["location"] == f"/admin/work-units/{real}"
    assert (await _profile(member.user_id))["work_unit_ref"] == real
    assert (await client.get(f"/admin/work-units/{asked}")).status_code == 404

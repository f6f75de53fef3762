"""Correcting personal data (PIPL Art. 46): the person on Me, staff for a managed
resident with an audit line (the phone masked); the same checks as registration."""

from __future__ import annotations

import httpx

from marketplace.accounts import managed
from marketplace.accounts.tables import HelperProfile, User
from marketplace.audit.tables import AuditEvent
from tests.cast import new_world
from tests.conftest import World, login, post, unique

EN = {"accept-language": "en"}


async def _user(user_id: int) -> dict:
    return await User.select().where(User.id == user_id).first()


async def test_the_person_corrects_every_field_on_me(client: httpx.AsyncClient,
                                                     world: World) -> None:
    me = await world.person()
    await login(client, me)
    r = await post(client, "/me", {
        "display_name": " Auntie Wang ", "phone": "138 0000-1234", "address": "Room 5",
        "grid": str(world.grid_id), "building": str(world.building_id), "language": "en"})
    assert r.status_code == 303
    row = await _user(me.user_id)
    assert (row["display_name"], row["phone"], row["address"], row["language"]) == (
        "Auntie Wang", "13800001234", "Room 5", "en")


async def test_a_wrong_phone_is_refused_at_the_field_with_the_input_kept(
        client: httpx.AsyncClient, world: World) -> None:
    me = await world.person()
    await login(client, me)
    r = await post(client, "/me", {
        "display_name": "Kept Name", "phone": "call me", "address": "Room 7",
        "language": "zh"}, headers=EN)
    assert r.status_code == 422
    assert "digits only" in r.text and 'value="Kept Name"' in r.text
    assert 'value="call me"' in r.text and 'value="zh" selected' in r.text
    assert (await _user(me.user_id))["phone"] == ""  # nothing half written


async def test_a_verified_helper_corrects_work_unit_audited(client: httpx.AsyncClient,
                                                            world: World) -> None:
    helper = await world.person(helper=True)
    await login(client, helper)
    page = await client.get("/me", headers=EN)
    assert 'action="/me/helper/details"' in page.text
    r = await post(client, "/me/helper/details", {"work_unit": "Water works",
                                                  "party_branch": "Branch 2"})
    assert r.status_code == 303
    row = await HelperProfile.select().where(HelperProfile.user == helper.user_id).first()
    assert (row["work_unit"], row["party_branch"], row["status"]) == (
        "Water works", "Branch 2", "verified")
    line = await AuditEvent.select().where(
        (AuditEvent.action == "helper_details_corrected")
        & (AuditEvent.target_id == row["id"])).first()
    assert "Water works" in line["detail"]
    too_long = await post(client, "/me/helper/details", {"work_unit": "x",
                                                         "party_branch": "长" * 101},
                          headers=EN)
    assert too_long.status_code == 422 and "under 100 characters" in too_long.text


async def test_only_verified_helpers_correct_helper_details(client: httpx.AsyncClient,
                                                            world: World) -> None:
    await login(client, await world.person())
    r = await post(client, "/me/helper/details", {"work_unit": "Water works"})
    assert r.status_code == 404


async def test_staff_correct_a_managed_resident_with_a_masked_audit_line(
        client: httpx.AsyncClient, world: World) -> None:
    staff = await world.person(staff=True)
    granny = await managed.create(staff, managed.ManagedAccount(
        unique("Granny "), world.community_id, None, None, address="Room 9",
        phone="13600007777"))
    await login(client, staff)
    page = await client.get(f"/staff/members/{granny}", headers=EN)
    assert f'action="/staff/members/{granny}/profile"' in page.text
    r = await post(client, f"/staff/members/{granny}/profile", {
        "display_name": "Granny Sun", "phone": "13911118888", "address": "Room 10",
        "grid": str(world.grid_id), "building": str(world.building_id)})
    assert r.status_code == 303
    row = await _user(granny)
    assert (row["display_name"], row["phone"], row["address"], row["building"]) == (
        "Granny Sun", "13911118888", "Room 10", world.building_id)
    line = await AuditEvent.select().where(
        (AuditEvent.action == "profile_corrected") & (AuditEvent.target_id == granny)).first()
    assert line["actor"] == staff.user_id
    assert "→ Granny Sun" in line["detail"] and "139****8888" in line["detail"]
    assert "13911118888" not in line["detail"] and "13600007777" not in line["detail"]
    assert "Room" not in line["detail"] and "address changed" in line["detail"]


async def test_staff_correction_is_checked_like_registration(client: httpx.AsyncClient,
                                                             world: World) -> None:
    staff = await world.person(staff=True)
    granny = await managed.create(staff, managed.ManagedAccount(
        "Granny Li", world.community_id, None, None))
    await login(client, staff)
    r = await post(client, f"/staff/members/{granny}/profile", {
        "display_name": "", "phone": "13911118888", "address": "Room 10"}, headers=EN)
    assert r.status_code == 422 and "display name" in r.text
    assert 'value="13911118888"' in r.text  # kept
    other = await new_world()
    r = await post(client, f"/staff/members/{granny}/profile", {
        "display_name": "Granny Li", "grid": str(other.grid_id)}, headers=EN)
    assert r.status_code == 422 and "not in the chosen community" in r.text
    assert (await _user(granny))["display_name"] == "Granny Li"
    assert not await AuditEvent.exists().where(
        (AuditEvent.action == "profile_corrected") & (AuditEvent.target_id == granny))


async def test_staff_do_not_correct_residents_who_run_their_own_account(
        client: httpx.AsyncClient, world: World) -> None:
    staff = await world.person(staff=True)
    resident = await world.person()
    await login(client, staff)
    r = await post(client, f"/staff/members/{resident.user_id}/profile", {
        "display_name": "Changed by staff"}, headers=EN)
    assert r.status_code == 409 and "their Me page" in r.text
    assert (await _user(resident.user_id))["display_name"] != "Changed by staff"


async def test_staff_of_another_community_cannot_correct(client: httpx.AsyncClient,
                                                         world: World) -> None:
    staff = await world.person(staff=True)
    granny = await managed.create(staff, managed.ManagedAccount(
        "Granny Li", world.community_id, None, None))
    await login(client, await (await new_world()).person(staff=True))
    r = await post(client, f"/staff/members/{granny}/profile", {"display_name": "Changed"})
    assert r.status_code == 404
    assert (await _user(granny))["display_name"] == "Granny Li"


async def test_the_data_section_points_to_the_details_by_their_heading(
        client: httpx.AsyncClient, world: World) -> None:
    """Under "Download my data" the way to correct it names the section as it is headed on
    the page ("我的资料", not a "关于我" no heading says) and links to it."""
    me = await world.person()
    await login(client, me)
    page = (await client.get("/me/", headers={"accept-language": "zh-CN"})).text
    assert '<section class="card" id="about-me">\n  <h2>我的资料</h2>' in page
    assert "请在上方“我的资料”中更正" in page and "关于我" not in page
    assert '<a href="#about-me">更正我的资料</a>' in page

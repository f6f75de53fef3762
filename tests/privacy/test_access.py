"""Who saw a resident's contact (issue 16 item 7): a record for every showing of the phone
or unit/room to someone else — wish page, API, member pages, the members CSV — never for
one's own; the resident and their staff read them, nobody else; old ones are removed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from marketplace import settings
from marketplace.accounts.tables import User
from marketplace.errors import NotFound
from marketplace.principal import Principal
from marketplace.privacy import access
from marketplace.privacy.tables import ContactView
from marketplace.timers import jobs
from marketplace.wishes import service as wishes
from tests.cast import new_world
from tests.conftest import World, csrf, login, text_of
from tests.wishes.helpers import open_wish

EN = {"accept-language": "en"}
PHONE, ROOM = "13800001234", "3单元 501"


async def _contact(person: Principal, phone: str = PHONE, address: str = ROOM) -> None:
    await User.update({User.phone: phone, User.address: address}).where(
        User.id == person.user_id)


async def _records(resident: Principal) -> list[dict]:
    return await ContactView.select().where(
        ContactView.resident == resident.user_id).order_by(ContactView.id)


async def _claimed_wish(world: World) -> tuple[Principal, Principal, Principal, int]:
    owner, staff = await world.person(name="王阿姨"), await world.person(staff=True)
    helper = await world.person(helper=True, name="小李")
    await _contact(owner)
    wish_id = await open_wish(world, owner, staff)
    await wishes.claim(helper, wish_id)
    return owner, staff, helper, wish_id


async def test_wish_page_records_the_claimer_and_staff_not_the_owner(
        client: httpx.AsyncClient, world: World) -> None:
    owner, staff, helper, wish_id = await _claimed_wish(world)
    await login(client, helper)
    page = await client.get(f"/wishes/{wish_id}", headers=EN)
    assert page.status_code == 200 and PHONE in page.text
    [seen] = await _records(owner)
    assert (seen["viewer"], seen["viewer_role"], seen["context"], seen["wish_id"],
            seen["fields"]) == (helper.user_id, "claimer", "wish", wish_id, "phone,address")

    await wishes.detail(owner, wish_id)  # the owner reads their own wish: no contact, no record
    await wishes.detail(staff, wish_id)
    other_helper = await world.person(helper=True)
    assert (await wishes.detail(other_helper, wish_id)).contact is None
    assert [(r["viewer"], r["viewer_role"]) for r in await _records(owner)] == [
        (helper.user_id, "claimer"), (staff.user_id, "staff")]


async def test_api_answers_record_too(client: httpx.AsyncClient, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    await _contact(owner, address="")
    wish_id = await open_wish(world, owner, staff)
    await login(client, helper)
    claimed = await client.post(f"/api/wishes/{wish_id}/claim",
                                headers={"x-csrftoken": await csrf(client)})
    assert claimed.status_code == 200 and claimed.json()["contact"]["phone"] == PHONE
    read = await client.get(f"/api/wishes/{wish_id}")
    assert read.json()["contact"]["phone"] == PHONE
    assert [(r["context"], r["fields"], r["wish_id"]) for r in await _records(owner)] == [
        ("api", "phone", wish_id), ("api", "phone", wish_id)]


async def test_nothing_is_recorded_when_nothing_is_given_or_it_is_ones_own(
        world: World) -> None:
    staff = await world.person(staff=True)
    await _contact(staff)
    wish_id = await open_wish(world, staff, staff)  # staff's own wish: their own contact
    await wishes.detail(staff, wish_id)
    bare = await world.person()  # no phone, no room: nothing revealed
    bare_wish = await open_wish(world, bare, staff)
    await wishes.detail(staff, bare_wish)
    assert await _records(staff) == [] and await _records(bare) == []


async def test_member_pages_and_the_members_csv_record(client: httpx.AsyncClient,
                                                       world: World) -> None:
    staff, resident, quiet = (await world.person(staff=True), await world.person(),
                              await world.person())
    await _contact(resident)
    await _contact(staff)
    await login(client, staff)
    assert PHONE in (await client.get(f"/staff/members/{resident.user_id}")).text
    await client.get(f"/staff/members/{resident.user_id}/proxies")
    await client.get(f"/staff/members/{staff.user_id}")  # their own page: not recorded
    csv = await client.get(
        f"/staff/reports/export/members.csv?community_id={world.community_id}")
    assert csv.status_code == 200 and PHONE in csv.text
    assert [(r["context"], r["fields"]) for r in await _records(resident)] == [
        ("member", "phone,address"), ("proxies", "address"), ("export", "phone")]
    assert [r["viewer_role"] for r in await _records(resident)] == ["staff"] * 3
    assert await _records(staff) == [] and await _records(quiet) == []


async def test_an_administrator_is_recorded_as_administrator(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    await _contact(owner)
    wish_id = await open_wish(world, owner, staff)
    admin = await (await new_world()).person(admin=True)
    await wishes.detail(admin, wish_id)
    assert [r["viewer_role"] for r in await _records(owner)] == ["admin"]


async def test_the_resident_and_their_staff_read_the_records(
        client: httpx.AsyncClient, world: World) -> None:
    owner, staff, helper, wish_id = await _claimed_wish(world)
    await wishes.detail(helper, wish_id)
    await login(client, owner)
    me = text_of((await client.get("/me", headers=EN)).text)
    assert "Who saw my contact details" in me and "小李" in me
    assert "Helper who took the wish" in me and "phone, unit/room" in me
    full = (await client.get("/privacy/contact-views", headers=EN)).text
    assert "小李" in full and "Mend the fence" in full  # the wish by its title
    client.cookies.clear()

    await login(client, staff)
    member = text_of((await client.get(f"/staff/members/{owner.user_id}", headers=EN)).text)
    assert "Who saw the contact details" in member and "小李" in member
    listed = await client.get(f"/staff/members/{owner.user_id}/contact-views", headers=EN)
    assert listed.status_code == 200 and "小李" in listed.text


async def test_nobody_else_reads_them(client: httpx.AsyncClient, world: World) -> None:
    owner, _staff, helper, wish_id = await _claimed_wish(world)
    await wishes.detail(helper, wish_id)
    neighbour = await world.person()
    with pytest.raises(NotFound):
        await access.seen(neighbour, owner.user_id)
    with pytest.raises(NotFound):
        await access.seen(helper, owner.user_id)  # seeing a contact is not reading its log
    far_staff = await (await new_world()).person(staff=True)
    await login(client, far_staff)
    r = await client.get(f"/staff/members/{owner.user_id}/contact-views", headers=EN)
    assert r.status_code in (403, 404) and "小李" not in r.text
    client.cookies.clear()
    await login(client, neighbour)
    r = await client.get(f"/staff/members/{owner.user_id}/contact-views", headers=EN)
    assert r.status_code == 403
    mine = await client.get("/privacy/contact-views", headers=EN)
    assert "小李" not in mine.text and "Nobody has seen" in mine.text


async def test_a_long_list_is_paged_newest_first(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    await access.record(staff, [(owner.user_id, "phone")] * (access.PAGE_SIZE + 3), "member",
                        "staff")
    first = await access.seen(owner, owner.user_id)
    assert len(first.rows) == access.PAGE_SIZE and first.next_before is not None
    rest = await access.seen(owner, owner.user_id, first.next_before)
    assert len(rest.rows) == 3 and rest.next_before is None
    ids = [r["id"] for r in first.rows + rest.rows]
    assert ids == sorted(ids, reverse=True)


async def test_retention_removes_only_old_records(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    for days in (600, 420, 380, 10):
        await ContactView.insert(ContactView(
            resident=owner.user_id, viewer=staff.user_id, viewer_role="staff",
            context="member", fields="phone", at=now - timedelta(days=days)))
    assert settings.get().contact_view_months == 13
    assert ("contact_views", access.purge) in jobs()
    assert await access.purge(now) >= 2  # 13 months back is 2025-10-30: 600 and 420 days
    left = sorted((now - r["at"].replace(tzinfo=UTC)).days for r in await _records(owner))
    assert left == [10, 380]
    assert await access.purge(now) == 0  # idempotent


def test_months_are_calendar_months() -> None:
    moment = datetime(2026, 3, 31, 8, tzinfo=UTC)
    assert access.months_before(moment, 1) == datetime(2026, 2, 28, 8, tzinfo=UTC)
    assert access.months_before(moment, 13) == datetime(2025, 2, 28, 8, tzinfo=UTC)
    assert access.months_before(moment, 25) == datetime(2024, 2, 29, 8, tzinfo=UTC)
    assert access.months_before(moment, 3) == datetime(2025, 12, 31, 8, tzinfo=UTC)


def test_keeping_less_than_six_months_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTACT_VIEW_MONTHS", "5")
    with pytest.raises(settings.SettingsError, match="at least 6"):
        settings.load()
    monkeypatch.setenv("CONTACT_VIEW_MONTHS", "6")
    assert settings.load().contact_view_months == 6

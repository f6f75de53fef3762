"""Activities: created by staff, checked in by code/QR or ticked; each person paid once."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from marketplace import clock
from marketplace.accounts import throttle
from marketplace.activities import service
from marketplace.activities.tables import Participation
from marketplace.community.tables import Building, Community, Grid
from marketplace.errors import Conflict, DomainError, Forbidden
from marketplace.ledger import service as ledger
from marketplace.ledger.tables import Transfer
from marketplace.mydata import closure
from marketplace.notifications import service as notifications
from marketplace.principal import Principal
from tests.conftest import PASSWORD, World, login, post, text_of, unique

EN = {"accept-language": "en"}


def today_at(hour: int = 9) -> datetime:
    return datetime.now(clock.LOCAL).replace(hour=hour, minute=0, second=0, microsecond=0)


async def _activity(world: World, points: int = 5, capacity: int | None = None,
                    starts_at: datetime | None = None) -> dict:
    staff = await world.person(staff=True)
    activity_id = await service.create(staff, world.community_id, "Park clean-up", "East gate",
                                       starts_at or today_at(), points, capacity)
    return await service.get(activity_id)


async def _paid(user_id: int, activity_id: int) -> list[int]:
    account = await ledger.person_account(user_id)
    rows = await Transfer.select(Transfer.amount).where(
        (Transfer.credit == account["id"]) & (Transfer.kind == "activity")
        & (Transfer.reference == f"activity:{activity_id}"))
    return [r["amount"] for r in rows]


def test_codes_use_unambiguous_characters() -> None:
    codes = {service.new_code() for _ in range(200)}
    assert all(len(c) == 6 and not set(c) & set("01OIL") for c in codes)
    assert service.normalise_code(" ab3-k7q ") == "AB3K7Q"


async def test_check_in_pays_once_and_notifies(world: World) -> None:
    activity = await _activity(world, points=7)
    resident = await world.person()
    await service.check_in(resident, activity["code"].lower())
    with pytest.raises(Conflict):
        await service.check_in(resident, activity["code"])
    assert await _paid(resident.user_id, activity["id"]) == [7]
    assert await notifications.kinds_sent(resident.user_id) == ["activity_paid"]
    assert (await service.get(activity["id"]))["participants"] == 1


async def test_simultaneous_check_ins_of_one_person_pay_once(world: World) -> None:
    activity = await _activity(world)
    resident = await world.person()
    results = await asyncio.gather(
        *(service.check_in(resident, activity["code"]) for _ in range(10)),
        return_exceptions=True)
    paid_now = sum(not isinstance(r, Exception) for r in results)
    assert paid_now <= 1
    # The rest: "already checked in", or "wait": parallel tries see each other in the
    # check-in throttle (a burst of guesses cannot slip past it), so on a truly parallel
    # database all ten may be told to wait. A right code leaves no failure behind, so the
    # next check-in goes through at once, and pays once.
    assert all(isinstance(r, Conflict | throttle.Throttled) for r in results
               if isinstance(r, Exception))
    if not paid_now:
        await service.check_in(resident, activity["code"])
    with pytest.raises(Conflict):
        await service.check_in(resident, activity["code"])
    assert await _paid(resident.user_id, activity["id"]) == [5]
    assert await ledger.check() == []


async def test_wrong_code_other_community_and_closed_window(world: World) -> None:
    activity = await _activity(world)
    resident = await world.person()
    with pytest.raises(DomainError, match="No activity in your community has this code"):
        await service.check_in(resident, "ZZZZZZZZ")
    elsewhere = await _other_world_person()
    with pytest.raises(DomainError, match="No activity in your community has this code"):
        await service.check_in(elsewhere, activity["code"])
    tomorrow = datetime.now(clock.LOCAL) + timedelta(days=1)
    with pytest.raises(DomainError, match="open on"):
        await service.check_in(resident, activity["code"], moment=tomorrow)
    assert await _paid(resident.user_id, activity["id"]) == []


async def test_capacity_holds_under_concurrency(world: World) -> None:
    activity = await _activity(world, capacity=3)
    people = [await world.person() for _ in range(8)]
    results = await asyncio.gather(*(service.check_in(p, activity["code"]) for p in people),
                                   return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == 3
    assert await Participation.count().where(Participation.activity == activity["id"]) == 3


async def test_staff_tick_attendance_pays_once(world: World) -> None:
    activity = await _activity(world, points=4)
    staff = await world.person(staff=True)
    a, b = await world.person(), await world.person()
    await service.check_in(a, activity["code"])
    assert await service.record_attendance(staff, activity["id"], [a.user_id, b.user_id]) == (
        1, 1)
    assert await _paid(a.user_id, activity["id"]) == [4]
    assert await _paid(b.user_id, activity["id"]) == [4]
    elsewhere = await _other_world_person()
    with pytest.raises(Forbidden):
        await service.record_attendance(staff, activity["id"], [elsewhere.user_id])
    future = await _activity(world, starts_at=today_at() + timedelta(days=3))
    with pytest.raises(DomainError, match="from the day"):
        await service.record_attendance(staff, future["id"], [a.user_id])


async def test_a_closed_account_cannot_be_ticked(world: World) -> None:
    """Its points were settled when it closed (注销): none may reach it afterwards."""
    activity = await _activity(world, points=4)
    staff, gone = await world.person(staff=True), await world.person()
    await closure.close_own(gone, PASSWORD, None)
    with pytest.raises(Forbidden):
        await service.record_attendance(staff, activity["id"], [gone.user_id])
    assert (await ledger.balance(gone.user_id)).balance == 0


async def _other_world_person(staff: bool = False) -> Principal:
    """A person (or staff member) of a second, fresh community."""
    c = await Community.insert(Community(name=unique("Other "))).returning(Community.id)
    g = await Grid.insert(Grid(community=c[0]["id"], name="G")).returning(Grid.id)
    b = await Building.insert(Building(grid=g[0]["id"], name="B")).returning(Building.id)
    other = World(int(c[0]["id"]), int(g[0]["id"]), int(b[0]["id"]))
    return await other.person(staff=staff)


async def test_http_create_show_qr_and_check_in(client, world: World) -> None:
    staff = await world.person(staff=True)
    await login(client, staff)
    day = today_at().strftime("%Y-%m-%d")
    r = await post(client, "/staff/activities/", {"title": "", "day": day, "points": "3"},
                   headers=EN)
    assert r.status_code == 422 and "Please enter a title" in r.text
    r = await post(client, "/staff/activities/", {"title": "Evening patrol", "day": day,
                                                  "time": "19:00", "points": "3",
                                                  "place": "North gate"}, headers=EN)
    assert r.status_code == 303
    page_url = r.headers["location"]
    r = await client.get(page_url, headers=EN)
    activity_id = int(page_url.rsplit("/", 1)[1])
    code = (await service.get(activity_id))["code"]
    assert code in r.text and "qr.svg" in r.text
    qr = await client.get(f"{page_url}/qr.svg")
    assert qr.headers["content-type"].startswith("image/svg+xml") and b"<svg" in qr.content

    resident = await world.person()
    client.cookies.clear()
    await login(client, resident)
    r = await client.get(f"/activities/checkin?code={code}", headers=EN)
    assert "Evening patrol" in text_of(r.text)
    r = await post(client, "/activities/checkin", {"code": "WRONG2", "method": "code"},
                   headers=EN)
    assert r.status_code == 422 and "No activity in your community has this code" in r.text
    assert 'value="WRONG2"' in r.text
    r = await post(client, "/activities/checkin", {"code": code, "method": "qr"}, headers=EN)
    assert r.status_code == 303 and r.headers["location"] == "/points"
    assert await _paid(resident.user_id, activity_id) == [3]
    rows = await Participation.select(Participation.method).where(
        Participation.activity == activity_id)
    assert [x["method"] for x in rows] == ["qr"]


async def test_http_staff_of_another_community_is_refused(client, world: World) -> None:
    activity = await _activity(world)
    outsider = await _other_world_person(staff=True)
    await login(client, outsider)
    assert (await client.get(f"/staff/activities/{activity['id']}")).status_code == 403
    assert (await client.get(f"/staff/activities/{activity['id']}/qr.svg")).status_code == 403
    r = await post(client, f"/staff/activities/{activity['id']}/attendance",
                   {"user": str(outsider.user_id)})
    assert r.status_code == 403
    assert (await client.get(f"/staff/activities/?community={world.community_id}")
            ).status_code == 403


async def test_http_staff_ticks_attendance(client, world: World) -> None:
    activity = await _activity(world, points=6)
    staff = await world.person(staff=True)
    resident = await world.person(name="Ticked Resident")
    await login(client, staff)
    r = await post(client, f"/staff/activities/{activity['id']}/attendance",
                   {"person": "Ticked Resident"}, headers=EN)
    assert r.status_code == 303
    assert await _paid(resident.user_id, activity["id"]) == [6]
    r = await client.get(f"/staff/activities/{activity['id']}", headers=EN)
    assert "Ticked Resident" in r.text  # among the participants now


async def test_qr_link_when_signed_out_comes_back_with_the_code(client, world: World) -> None:
    activity = await _activity(world)
    r = await client.get(f"/activities/checkin?code={activity['code']}")
    assert r.status_code == 303
    assert r.headers["location"] == (
        f"/login?next=/activities/checkin%3Fcode%3D{activity['code']}")
    resident = await world.person()
    r = await post(client, "/login", {"login": resident.login, "password": "correct-horse-1",
                                      "next": f"/activities/checkin?code={activity['code']}"})
    assert r.headers["location"] == f"/activities/checkin?code={activity['code']}"


async def test_staff_of_another_community_pay_nobody(world: World) -> None:
    """Service level: attendance, the list and the lists of members are for staff of the
    activity's community; an outsider's call pays nobody."""
    activity = await _activity(world, points=4)
    member = await world.person()
    outsider = await _other_world_person(staff=True)
    with pytest.raises(Forbidden):
        await service.record_attendance(outsider, activity["id"], [member.user_id])
    with pytest.raises(Forbidden):
        await service.create(outsider, world.community_id, "Fake", "", today_at(), 5, None)
    for read in (service.of_community, service.members):
        with pytest.raises(Forbidden):
            await read(outsider, world.community_id)
    assert await _paid(member.user_id, activity["id"]) == []
    assert not await Participation.exists().where(Participation.activity == activity["id"])
    assert len(await service.of_community(await world.person(staff=True),
                                          world.community_id)) == 1

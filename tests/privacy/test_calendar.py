"""The working-day calendar: administrators enter the State Council's holidays and make-up
working days; a privacy request's 15 working days count them, and open requests' due days
move when the calendar changes. Bad input is said at the field with the input kept."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date, timedelta

import httpx
import pytest

from marketplace import clock
from marketplace.audit.tables import AuditEvent
from marketplace.errors import DomainError, Forbidden
from marketplace.privacy import calendar, requests
from marketplace.privacy.tables import CalendarDay, PrivacyRequest
from marketplace.privacy.workdays import add_working_days
from tests.conftest import World, login, post, text_of

EN = {"accept-language": "en"}
# A National Day week as a notice sets one: 1-7 October off, Sunday 20 September and
# Saturday 10 October worked.
GOLDEN_WEEK = (date(2026, 10, 1), date(2026, 10, 7))
MADE_UP = (date(2026, 9, 20), date(2026, 10, 10))


@pytest.fixture(autouse=True)
async def empty_calendar() -> AsyncIterator[None]:
    """The calendar is the whole site's (other tests enter far-off days): each test here
    starts with it empty and leaves it as it found it."""
    kept = await CalendarDay.select()
    await CalendarDay.delete(force=True)
    yield
    await CalendarDay.delete(force=True)
    if kept:
        await CalendarDay.insert(*[CalendarDay(**row) for row in kept])


async def test_golden_week_and_its_make_up_day_move_the_answer_day(world: World) -> None:
    admin = await world.person(admin=True)
    asked = date(2026, 9, 30)  # the Wednesday before the holiday
    assert await calendar.due_on(asked) == date(2026, 10, 21)  # weekends alone
    saved = await calendar.set_days(admin, *GOLDEN_WEEK, False, "国庆节")
    assert (saved.days, saved.replaced) == (7, 0)
    for day in MADE_UP:
        await calendar.set_days(admin, day, None, True, "国庆节调休")
    # 8, 9, Saturday 10 (worked), 12-16, 19-23, 26, 27 October.
    assert await calendar.due_on(asked) == date(2026, 10, 27)
    # Entering a day again replaces it (and says so): 10 October a holiday after all.
    assert (await calendar.set_days(admin, MADE_UP[1], None, False, "")).replaced == 1
    assert (await calendar.set_days(admin, MADE_UP[1], None, False, "")).replaced == 0
    assert await calendar.due_on(asked) == date(2026, 10, 28)
    rows = await CalendarDay.select(CalendarDay.working).where(CalendarDay.day == MADE_UP[1])
    assert rows == [{"working": False}]


async def test_open_requests_follow_the_calendar_and_answered_ones_keep_theirs(
        world: World) -> None:
    admin, resident = await world.person(admin=True), await world.person()
    staff = await world.person(staff=True)
    waiting = await requests.submit(resident, "question", "What do you keep about me?")
    answered = await requests.submit(resident, "question", "And my phone?")
    await requests.answer(staff, answered, "Only your name and your phone number.")
    today = clock.today()
    before = add_working_days(today, 15)
    # A holiday on the first working day after today: the answer is due a working day later.
    holiday = add_working_days(today, 1)
    assert (await calendar.set_days(admin, holiday, None, False, "test")).moved >= 1
    due = {r["id"]: r["due_on"] for r in await PrivacyRequest.select(
        PrivacyRequest.id, PrivacyRequest.due_on).where(
        PrivacyRequest.id.is_in([waiting, answered]))}
    assert due[waiting] == add_working_days(today, 15, holidays={holiday}) > before
    assert due[answered] == before
    [day] = await CalendarDay.select(CalendarDay.id).where(CalendarDay.day == holiday)
    assert await calendar.remove(admin, day["id"]) == [holiday]
    [row] = await PrivacyRequest.select(PrivacyRequest.due_on).where(
        PrivacyRequest.id == waiting)
    assert row["due_on"] == before
    actions = [r["action"] for r in await AuditEvent.select(AuditEvent.action).where(
        (AuditEvent.actor == admin.user_id) & (AuditEvent.target_type == "calendar"))]
    assert sorted(actions) == ["calendar_day_removed", "calendar_days_set"]


async def test_only_administrators_keep_the_calendar(world: World) -> None:
    staff = await world.person(staff=True)
    with pytest.raises(Forbidden):
        await calendar.set_days(staff, GOLDEN_WEEK[0], None, False, "")
    with pytest.raises(Forbidden):
        await calendar.days(staff, date(2026, 1, 1))
    assert await CalendarDay.count().where(CalendarDay.day == GOLDEN_WEEK[0]) == 0


@pytest.mark.parametrize(("first", "last", "name", "field"), [
    (None, None, "", "first"),
    (date(2026, 10, 7), date(2026, 10, 1), "", "last"),
    (date(2026, 10, 1), date(2026, 10, 16), "", "last"),  # 16 days: one too many
    (date(2026, 10, 1), None, "节" * 41, "name"),
])
async def test_bad_entries_are_refused_at_their_field(world: World, first: date | None,
                                                      last: date | None, name: str,
                                                      field: str) -> None:
    admin = await world.person(admin=True)
    with pytest.raises(DomainError) as refused:
        await calendar.set_days(admin, first, last, False, name)
    assert refused.value.field == field
    assert await CalendarDay.count().where(CalendarDay.set_by == admin.user_id) == 0


@pytest.mark.parametrize(("first", "last", "field"), [
    (date(2026, 10, 9), None, "first"),  # a Friday
    (date(2026, 10, 10), date(2026, 10, 12), "last"),  # Saturday to Monday
])
async def test_a_make_up_working_day_on_a_weekday_is_refused(
        world: World, first: date, last: date | None, field: str) -> None:
    admin = await world.person(admin=True)
    with pytest.raises(DomainError) as refused:
        await calendar.set_days(admin, first, last, True, "调休")
    assert refused.value.field == field and "a working day anyway" in refused.value.message
    assert await CalendarDay.count() == 0
    # Saturday and Sunday both: fine.
    saved = await calendar.set_days(admin, date(2026, 10, 10), date(2026, 10, 11), True, "")
    assert saved.days == 2


async def test_the_page_enters_lists_and_removes_days(client: httpx.AsyncClient,
                                                      world: World) -> None:
    admin = await world.person(admin=True)
    await login(client, admin)
    empty = text_of((await client.get("/admin/calendar/", headers=EN)).text)
    assert "No days entered yet: every weekday counts as a working day" in empty
    # A range the wrong way round: said at the field, what was typed kept.
    r = await post(client, "/admin/calendar/", {"first": "2026-10-07", "last": "2026-10-01",
                                                "kind": "holiday", "name": "国庆节"},
                   headers=EN)
    assert r.status_code == 422
    assert re.search(r'id="last"[^>]*aria-invalid="true"', r.text)
    assert "cannot be before the first" in r.text and 'value="国庆节"' in r.text
    r = await post(client, "/admin/calendar/", {"first": "2026-10-01", "last": "2026-10-07",
                                                "kind": "holiday", "name": "国庆节"},
                   headers=EN)
    assert r.status_code == 303
    r = await post(client, "/admin/calendar/", {"first": "2026-10-10", "kind": "working",
                                                "name": "国庆节调休"}, headers=EN)
    r = await post(client, "/admin/calendar/", {"first": "2026-10-07", "kind": "holiday",
                                                "name": "中秋节"}, headers=EN)
    shown = text_of((await client.get("/admin/calendar/", headers=EN)).text)
    assert "Days saved: 1. 1 of them replace what was entered before." in shown
    # The week entered at once is one row (the 7th, entered again, is a row of its own).
    assert "2026-10-01 Thursday – 2026-10-06 Tuesday (6 days)" in shown
    assert "2026-10-07 Wednesday · Public holiday (no work) 中秋节" in shown
    assert "2026-10-10 Saturday · Make-up working day" in shown
    [day] = await CalendarDay.select(CalendarDay.id).where(CalendarDay.day == date(2026, 10, 10))
    r = await post(client, f"/admin/calendar/{day['id']}/remove", {}, headers=EN)
    assert r.status_code == 303
    shown = text_of((await client.get("/admin/calendar/", headers=EN)).text)
    assert "2026-10-10 counts as its weekday again" in shown  # the flash says so
    assert "2026-10-10 Saturday" not in shown and "2026-10-01 Thursday" in shown
    again = await post(client, f"/admin/calendar/{day['id']}/remove", {}, headers=EN)
    assert again.status_code == 404
    # The week's row takes the whole run out, and only it.
    [first] = await CalendarDay.select(CalendarDay.id).where(
        CalendarDay.day == date(2026, 10, 1))
    r = await post(client, f"/admin/calendar/{first['id']}/remove", {"last": "2026-10-07"},
                   headers=EN)
    shown = text_of((await client.get("/admin/calendar/", headers=EN)).text)
    assert "2026-10-01 to 2026-10-06 count as their weekdays again" in shown
    left = [r["day"] for r in await CalendarDay.select(CalendarDay.day)]
    assert left == [date(2026, 10, 7)]  # another name: not part of the run


async def test_staff_who_are_not_administrators_are_refused(client: httpx.AsyncClient,
                                                            world: World) -> None:
    await login(client, await world.person(staff=True))
    assert (await client.get("/admin/calendar/", headers=EN)).status_code == 403
    r = await post(client, "/admin/calendar/", {"first": "2026-10-01", "kind": "holiday"})
    assert r.status_code == 403
    assert await CalendarDay.count().where(CalendarDay.day == date(2026, 10, 1)) == 0


async def test_the_calendar_reaches_the_request_page(client: httpx.AsyncClient,
                                                    world: World) -> None:
    admin, resident = await world.person(admin=True), await world.person()
    holiday = add_working_days(clock.today(), 1)
    await calendar.set_days(admin, holiday, holiday + timedelta(days=1), False, "test")
    await login(client, resident)
    r = await post(client, "/privacy/requests", {"kind": "question", "text": "What of me?"},
                   headers=EN)
    assert r.status_code == 303
    [row] = await PrivacyRequest.select(PrivacyRequest.due_on).where(
        PrivacyRequest.person == resident.user_id)
    expected = add_working_days(clock.today(), 15,
                                holidays={holiday, holiday + timedelta(days=1)})
    assert row["due_on"] == expected
    page = text_of((await client.get("/privacy/requests", headers=EN)).text)
    assert expected.isoformat() in page


def _entered(html: str) -> str:
    """The list of entered days as read (the header names the signed-in administrator)."""
    return text_of(html.split("Days entered", 1)[1])


async def test_who_entered_the_days_is_said_once_and_where_it_differs(
        client: httpx.AsyncClient, world: World) -> None:
    usual, other = await world.person(admin=True), await world.person(admin=True)
    await calendar.set_days(usual, *GOLDEN_WEEK, False, "国庆节")
    await calendar.set_days(usual, MADE_UP[0], None, True, "国庆节调休")
    await login(client, usual)
    shown = _entered((await client.get("/admin/calendar/", headers=EN)).text)
    assert f"All entered by {usual.display_name}." in shown
    assert shown.count(usual.display_name) == 1 and shown.count("entered by") == 1

    await calendar.set_days(other, MADE_UP[1], None, True, "国庆节调休")
    page = (await client.get("/admin/calendar/", headers=EN)).text
    shown = _entered(page)
    assert f"Entered by {usual.display_name}, unless a row names someone else." in shown
    assert shown.count(usual.display_name) == 1
    # Only the row the other administrator entered names them, with the day they did.
    assert (f"2026-10-10 Saturday · Make-up working day (调休) 国庆节调休 entered by "
            f"{other.display_name} on {clock.today().isoformat()}") in shown
    assert shown.count("entered by") == 1
    # Who entered what and when stays one tap away, named in words.
    audit = await client.get("/staff/audit/?action=calendar_days_set", headers=EN)
    assert audit.status_code == 200 and '/staff/audit/?action=calendar_days_set' in page
    log = text_of(audit.text)
    assert "Days entered in the working-day calendar" in log and other.display_name in log

"""The report back (双报告): quarterly cards and yearly sheets, their states, freezing,
who sees them, and the CSV — against a hand-built history with known minutes."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from marketplace.accounts import sessions
from marketplace.accounts.tables import HelperProfile, WorkUnitContact
from marketplace.audit.tables import AuditEvent
from marketplace.community.tables import WorkUnit
from marketplace.principal import Principal
from marketplace.reports import cards
from marketplace.wishes import service
from marketplace.wishes.tables import Wish
from tests.cast import new_world
from tests.conftest import World, login, post, text_of, unique
from tests.reports.history import make_wish

EN = {"accept-language": "en"}
# Midnight starting 1 July 2026 in China (UTC+8) is 16:00 UTC on 30 June.
Q3_STARTS = datetime(2026, 6, 30, 16, 0, tzinfo=UTC)
GAPS = [1.0, 1.0, 1.0, 1.0]  # approve, claim, fulfil, confirm: hours apart


async def _member(world: World, unit_id: int | None = None, typed: str = "") -> Principal:
    member = await world.person(helper=True, name=unique("Member "))
    await HelperProfile.update({HelperProfile.kind: "party_member",
                                HelperProfile.work_unit: typed,
                                HelperProfile.work_unit_ref: unit_id}).where(
        HelperProfile.user == member.user_id)
    return member


async def _unit(name: str = "Tax Office ") -> int:
    row = await WorkUnit.insert(WorkUnit(name=unique(name))).returning(WorkUnit.id)
    return int(row[0]["id"])


async def _confirmed_at(world: World, staff: Principal, helper: Principal, category: int,
                        confirmed: datetime, minutes: int, rating: int) -> int:
    owner = await world.person()
    posted = confirmed - timedelta(hours=sum(GAPS))
    made = await make_wish(owner, staff, helper, category, posted, GAPS, minutes=minutes,
                           rating=rating)
    return made.wish_id


async def _history(world: World) -> tuple[Principal, Principal, int, int]:
    """A party member of a registry unit with 90 minutes confirmed at 23:30 on 30 June
    (local: quarter 2) and 60 minutes at 00:30 on 1 July (local: quarter 3)."""
    staff = await world.person(staff=True)
    unit = await _unit()
    member = await _member(world, unit)
    cat = await service.add_category(staff, world.community_id, "Repairs", 10)
    await _confirmed_at(world, staff, member, cat, Q3_STARTS - timedelta(minutes=30), 90, 5)
    late = await _confirmed_at(world, staff, member, cat, Q3_STARTS + timedelta(minutes=30),
                               60, 3)
    return staff, member, unit, late


def _figure(html: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">(?:<strong>)?([^<]*)<', html)
    assert found, f"no {name} on the page"
    return found.group(1).strip()


async def test_figures_split_at_the_local_quarter_boundary(client, world: World) -> None:
    staff, member, _unit_id, _late = await _history(world)
    await login(client, staff)
    expected = {"2026-Q2": ("1", "1.5", "5.0"), "2026-Q3": ("1", "1.0", "3.0"),
                "2026": ("2", "2.5", "4.0"), "2026-Q4": ("0", "0.0", "–")}
    for period, (wishes, hours, rating) in expected.items():
        page = await client.get(f"/staff/reportback/cards/{member.user_id}?period={period}",
                                headers=EN)
        assert page.status_code == 200, page.text
        assert _figure(page.text, "wishes") == wishes, period
        assert _figure(page.text, "hours_total") == hours, period
        assert _figure(page.text, "hours_resident") == hours, period
        assert _figure(page.text, "rating").startswith(rating), period
    year = await client.get(f"/staff/reportback/cards/{member.user_id}?period=2026",
                            headers=EN)
    assert "Yearly evaluation sheet" in year.text and 'name="grade"' in year.text


def test_periods() -> None:
    assert cards.parse("2026-Q1").last.isoformat() == "2026-03-31"
    assert cards.parse("2026-Q4").last.isoformat() == "2026-12-31"
    assert cards.parse("2026-Q1").previous().label == "2025-Q4"
    assert [p.label for p in cards.tracked(datetime(2026, 1, 5).date())] == [
        "2026-Q1", "2025-Q4", "2026", "2025"]
    for bad in ("2026-Q5", "26", "2026-q1", "1999", "2026-Q1 ", "x"):
        assert cards.parse(bad) is None or bad.strip() != bad


async def _overview_counts(client, community_id: int, period: str) -> str:  # type: ignore[no-untyped-def]
    page = await client.get(f"/staff/reportback?community_id={community_id}&period={period}",
                            headers=EN)
    assert page.status_code == 200, page.text
    found = re.search(r"data-totals>([^<]*)<", page.text)
    assert found
    return found.group(1)


async def test_due_drafted_sent_and_a_sent_card_is_frozen(client, world: World) -> None:
    staff, member, _unit_id, late = await _history(world)
    other = await _member(world, typed="Water Works")
    await login(client, staff)
    assert await _overview_counts(client, world.community_id, "2026-Q3") == \
        "Due: 2 · Drafted: 0 · Sent: 0"
    url = f"/staff/reportback/cards/{member.user_id}"
    early = await post(client, f"{url}/send", {"period": "2026-Q3"}, headers=EN)
    assert early.status_code == 422 and "comment" in early.text  # nothing written yet
    saved = await post(client, url, {"period": "2026-Q3", "comment": "Reliable and kind."})
    assert saved.status_code == 303
    assert await _overview_counts(client, world.community_id, "2026-Q3") == \
        "Due: 1 · Drafted: 1 · Sent: 0"
    sent = await post(client, f"{url}/send", {"period": "2026-Q3"})
    assert sent.status_code == 303
    assert await _overview_counts(client, world.community_id, "2026-Q3") == \
        "Due: 1 · Drafted: 0 · Sent: 1"
    assert await AuditEvent.exists().where((AuditEvent.action == "service_card_sent")
                                           & (AuditEvent.target_id == member.user_id))
    # A correction after sending: the sent card keeps its figures, the yearly sheet moves.
    await Wish.update({Wish.hours: 240}).where(Wish.id == late)
    page = await client.get(f"{url}?period=2026-Q3", headers=EN)
    assert _figure(page.text, "hours_total") == "1.0"
    assert "Reliable and kind." in page.text and "Sent on" in page.text
    assert 'name="comment"' not in page.text  # no form on a sent card
    year = await client.get(f"{url}?period=2026", headers=EN)
    assert _figure(year.text, "hours_total") == "5.5"
    again = await post(client, f"{url}/send", {"period": "2026-Q3"})
    assert again.status_code == 409
    changed = await post(client, url, {"period": "2026-Q3", "comment": "Rewritten"})
    assert changed.status_code == 409
    page = await client.get(f"{url}?period=2026-Q3", headers=EN)
    assert "Rewritten" not in page.text
    assert other.user_id  # the second member stays due


async def test_yearly_sheet_needs_a_grade_from_the_list(client, world: World) -> None:
    staff, member, _unit_id, _late = await _history(world)
    await login(client, staff)
    url = f"/staff/reportback/cards/{member.user_id}"
    wrong = await post(client, url, {"period": "2026", "comment": "Good", "grade": "super"},
                       headers=EN)
    assert wrong.status_code == 422 and "Please choose one of the grades." in wrong.text
    assert 'value="Good"' not in wrong.text and ">Good</textarea>" in wrong.text  # kept
    await post(client, url, {"period": "2026", "comment": "Good"})
    no_grade = await post(client, f"{url}/send", {"period": "2026"}, headers=EN)
    assert no_grade.status_code == 422 and "grade" in no_grade.text
    await post(client, url, {"period": "2026", "comment": "Good", "grade": "excellent"})
    assert (await post(client, f"{url}/send", {"period": "2026"})).status_code == 303
    page = await client.get(f"{url}?period=2026", headers=EN)
    assert 'data-grade="excellent" data-chosen' in page.text
    bad = await client.get(f"{url}?period=2026-Q9", headers=EN)
    assert bad.status_code == 400


async def test_scoping_of_cards(client, world: World) -> None:
    other_world = await new_world()
    staff, member, unit, _late = await _history(world)
    other_unit = await _unit("Post Office ")
    await login(client, staff)
    url = f"/staff/reportback/cards/{member.user_id}"
    await post(client, url, {"period": "2026-Q3", "comment": "Sent one"})
    await post(client, f"{url}/send", {"period": "2026-Q3"})
    await post(client, url, {"period": "2026-Q2", "comment": "Only drafted"})
    card_id = int(re.search(r'href="/unit/\d+/cards/(\d+)"', (await _unit_page(
        client, world, unit)).text).group(1))  # type: ignore[union-attr]
    client.cookies.clear()
    # Staff of another community: neither the card nor the overview of this community.
    outsider = await other_world.person(staff=True)
    await login(client, outsider)
    assert (await client.get(f"{url}?period=2026-Q3")).status_code == 403
    assert (await client.get(
        f"/staff/reportback?community_id={world.community_id}")).status_code == 403
    assert (await post(client, url, {"period": "2026-Q3", "comment": "x"})).status_code == 403
    assert (await client.get(f"/unit/{unit}/cards")).status_code == 403
    client.cookies.clear()
    # The unit's contact: the sent card only; another unit's contact: nothing.
    contact = await _contact(world, unit)
    await login(client, contact)
    listing = await client.get(f"/unit/{unit}/cards", headers=EN)
    assert listing.status_code == 200 and member.display_name in listing.text
    # The drafted card of quarter 2 is not there.
    assert re.findall(rf'href="/unit/{unit}/cards/(\d+)"', listing.text) == [str(card_id)]
    one = await client.get(f"/unit/{unit}/cards/{card_id}", headers=EN)
    assert one.status_code == 200 and "Sent one" in one.text
    assert (await client.get(url + "?period=2026-Q3")).status_code == 403  # not staff
    exported = await client.get(f"/unit/{unit}/cards/export")
    assert exported.status_code == 200 and member.display_name in exported.text
    client.cookies.clear()
    stranger = await _contact(world, other_unit)
    await login(client, stranger)
    assert (await client.get(f"/unit/{unit}/cards")).status_code == 403
    assert (await client.get(f"/unit/{other_unit}/cards/{card_id}")).status_code == 404
    client.cookies.clear()
    resident = await world.person()
    await login(client, resident)
    assert (await client.get(f"/unit/{unit}/cards")).status_code == 403
    assert (await client.get("/staff/reportback")).status_code == 403


async def _unit_page(client, world: World, unit: int):  # type: ignore[no-untyped-def]
    """The unit's page as an administrator sees it (to learn the card's id)."""
    admin = await world.person(admin=True)
    saved = dict(client.cookies)
    client.cookies.clear()
    await login(client, admin)
    page = await client.get(f"/unit/{unit}/cards")
    client.cookies.clear()
    client.cookies.update(saved)
    return page


async def _contact(world: World, unit: int) -> Principal:
    person = await world.person(name=unique("Contact "))
    await WorkUnitContact.insert(WorkUnitContact(user=person.user_id, work_unit=unit))
    return await sessions.load_principal(person.user_id)


async def test_batch_print_and_csv_per_work_unit(client, world: World) -> None:
    staff, member, unit, _late = await _history(world)
    colleague = await _member(world, unit)
    typed = await _member(world, typed="Water Works")
    await login(client, staff)
    overview = await client.get("/staff/reportback?period=2026-Q3", headers=EN)
    assert "Water Works" in overview.text
    batch = await client.get(f"/staff/reportback/print?period=2026-Q3&unit=u{unit}",
                             headers=EN)
    assert batch.status_code == 200
    assert batch.text.count('class="service-sheet"') == 2
    assert member.display_name in batch.text and colleague.display_name in batch.text
    assert typed.display_name not in batch.text
    every = await client.get("/staff/reportback/print?period=2026-Q3", headers=EN)
    assert every.text.count('class="service-sheet"') == 3
    export = await client.get(f"/staff/reportback/export?period=2026-Q3&unit=u{unit}",
                              headers=EN)
    assert export.status_code == 200 and "text/csv" in export.headers["content-type"]
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Work unit", "Name"]
    found = {r[1]: r for r in rows[1:]}
    assert found[member.display_name][9] == "1.0"  # total hours of quarter 3
    assert found[colleague.display_name][9] == "0.0"
    assert found[member.display_name][4] == "Due"
    typed_export = await client.get(
        "/staff/reportback/export?period=2026-Q3&unit=t%3AWater%20Works")
    assert typed.display_name in typed_export.content.decode("utf-8-sig")
    assert "Quarterly service card" in text_of(batch.text)


async def test_demo_has_a_card_due_one_sent_and_a_certificate() -> None:
    from marketplace import clock, demo
    from marketplace.accounts.tables import User
    from marketplace.reports import reportback
    from marketplace.reports.tables import IssuedCertificate, ServiceCard

    await demo.load()
    staff = await User.select(User.id, User.community).where(User.login == "staff").first()
    principal = await sessions.load_principal(int(staff["id"]))
    last_quarter = cards.quarter_of(clock.today()).previous()
    data = await reportback.overview(principal, int(staff["community"]), last_quarter)
    assert data["totals"]["sent"] == 1 and data["totals"]["due"] >= 1
    assert await ServiceCard.exists().where(ServiceCard.status == "sent")
    assert await IssuedCertificate.exists().where(
        IssuedCertificate.community == int(staff["community"]))


async def test_two_staff_at_once_one_card_one_send(world: World) -> None:
    import asyncio

    from marketplace.errors import Conflict
    from marketplace.reports import reportback
    from marketplace.reports.tables import ServiceCard

    staff, member, _unit_id, _late = await _history(world)
    colleague = await world.person(staff=True)
    period = cards.CardPeriod(2026, 3)
    await asyncio.gather(reportback.save(staff, member.user_id, period, "First", ""),
                         reportback.save(colleague, member.user_id, period, "Second", ""))
    rows = await ServiceCard.select().where(ServiceCard.member == member.user_id)
    assert len(rows) == 1 and rows[0]["comment"] in ("First", "Second")
    results = await asyncio.gather(reportback.send(staff, member.user_id, period),
                                   reportback.send(colleague, member.user_id, period),
                                   return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "NoneType"]
    assert any(isinstance(r, Conflict) for r in results)


async def test_a_work_units_written_cards_are_sent_in_one_go(client, world: World) -> None:
    staff, member, unit, _late = await _history(world)
    colleague = await _member(world, unit)
    typed = await _member(world, typed="Water Works")
    await login(client, staff)
    for person in (member, typed):
        await post(client, f"/staff/reportback/cards/{person.user_id}",
                   {"period": "2026-Q3", "comment": "Well done"})
    answer = await post(client, "/staff/reportback/send", {
        "community_id": str(world.community_id), "period": "2026-Q3", "unit": f"u{unit}"})
    assert answer.status_code == 303
    page = await client.get("/staff/reportback?period=2026-Q3", headers=EN)
    states = dict(re.findall(r'data-member="(\d+)" data-state="(\w+)"', page.text))
    assert states == {str(member.user_id): "sent", str(colleague.user_id): "due",
                      str(typed.user_id): "drafted"}  # another unit's card is not sent


async def test_many_members_read_the_whole_community_with_the_same_figures(
        world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from marketplace.reports import reportback

    staff, member, _unit_id, _late = await _history(world)
    volunteer = await world.person(helper=True)  # served too, but gets no card
    cat = await service.add_category(staff, world.community_id, "Errands", 5)
    await _confirmed_at(world, staff, volunteer, cat, Q3_STARTS + timedelta(days=3), 30, 4)
    few = await reportback.card(staff, member.user_id, cards.CardPeriod(2026))
    monkeypatch.setattr(reportback, "MANY", 0)
    many = await reportback.overview(staff, world.community_id, cards.CardPeriod(2026))
    found = [c for g in many["groups"] for c in g.cards]
    assert [c.member.user_id for c in found] == [member.user_id]
    assert found[0].figures == few.figures and few.figures.total_minutes == 150

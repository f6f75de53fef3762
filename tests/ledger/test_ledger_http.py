"""My points, the CSV export, the API, and the staff view with its adjustment form."""

from __future__ import annotations

import csv
import io
import re

from marketplace.community.tables import Community
from marketplace.ledger import service
from marketplace.ledger.tables import Transfer
from tests.conftest import World, login, post, text_of, unique

EN = {"accept-language": "en"}


async def _earn(world: World, user_id: int, amount: int, kind: str = "award",
                memo: str = "") -> None:
    await service.award(world.community_id, user_id, amount, kind, "wish:1", None, memo,
                        unique("k"))


async def test_my_points_page_shows_balance_and_statement(client, world: World) -> None:
    person = await world.person()
    await _earn(world, person.user_id, 12, memo="carried groceries")
    await _earn(world, person.user_id, 3, "activity", memo="park clean-up")
    await login(client, person)
    r = await client.get("/points", headers=EN)
    assert r.status_code == 200
    text = text_of(r.text)
    assert "My points" in text and "carried groceries" in text and "park clean-up" in text
    assert "Available 15" in text
    assert "HX-Request" in r.headers["vary"].split(",")
    assert 'hx-history="false"' in r.text


async def test_filter_by_kind_and_htmx_gets_the_partial(client, world: World) -> None:
    person = await world.person()
    await _earn(world, person.user_id, 12, memo="carried groceries")
    await _earn(world, person.user_id, 3, "activity", memo="park clean-up")
    await login(client, person)
    r = await client.get("/points?kind=activity", headers={**EN, "hx-request": "true"})
    assert r.status_code == 200
    assert "<html" not in r.text and 'id="statement"' in r.text
    assert "park clean-up" in r.text and "carried groceries" not in r.text
    r = await client.get("/points?kind=activity&date_from=2000-01-01&date_to=2000-01-02",
                         headers=EN)
    assert "park clean-up" not in r.text and "No transfers match" in r.text
    r = await client.get("/points?date_from=yesterday&kind=bogus", headers=EN)
    assert r.status_code == 200 and "YYYY-MM-DD" in r.text


async def test_csv_export_has_bom_and_running_balance(client, world: World) -> None:
    person = await world.person()
    await _earn(world, person.user_id, 12, memo="=HYPERLINK(1)")
    await _earn(world, person.user_id, 3, "activity")
    await login(client, person)
    r = await client.get("/points/statement.csv", headers=EN)
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Time", "Kind", "Details", "Change", "Balance"]
    assert [(row[1], row[3], row[4]) for row in rows[1:]] == [
        ("Activity", "3", "15"), ("Wish award", "12", "12")]  # the page's kind names
    assert rows[2][6] == "'=HYPERLINK(1)"  # no formula injection into spreadsheets


async def test_statement_describes_references_instead_of_showing_them(
        client, world: World) -> None:
    from marketplace.wishes import service as wishes

    staff, person, friend = (await world.person(staff=True), await world.person(),
                             await world.person())
    category = await wishes.add_category(staff, world.community_id, unique("Cat"), 5)
    wish_id = await wishes.post_wish(person, wishes.NewWish(category, "Mend the gate"))
    await service.award(world.community_id, person.user_id, 12, "award", f"wish:{wish_id}",
                        None, "Mend the gate", unique("k"))
    await service.award(world.community_id, person.user_id, 4, "award", "code:FRUAKVFK",
                        None, "", unique("k"))
    await service.donate(person.user_id, friend.user_id, 2, person.user_id, "", unique("k"))
    await login(client, person)
    r = await client.get("/points", headers=EN)
    # As read: the code sits in a no-wrap span so it never breaks across lines.
    statement = re.sub(r"</?span[^>]*>", "", r.text[r.text.index('id="statement"'):])
    assert f'<a href="/wishes/{wish_id}">Mend the gate</a>' in statement
    assert statement.count("Mend the gate") == 1  # the memo repeats the title: shown once
    assert "Exchange code FRUA-KVFK" in statement
    assert friend.display_name in text_of(statement)
    for raw in (f"wish:{wish_id}", "code:FRUAKVFK", f"user:{friend.user_id}"):
        assert raw not in statement
    rows = list(csv.reader(io.StringIO(
        (await client.get("/points/statement.csv", headers=EN)).content.decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["", "Exchange code FRUA-KVFK", "Mend the gate"]


async def test_api_balance_and_statement(client, world: World) -> None:
    person = await world.person()
    await _earn(world, person.user_id, 9)
    assert (await client.get("/api/me/balance")).status_code == 401
    await login(client, person)
    r = await client.get("/api/me/balance")
    assert r.json() == {"balance": 9, "held": 0, "available": 9}
    r = await client.get("/api/me/statement")
    lines = r.json()
    assert len(lines) == 1 and lines[0]["change"] == 9 and lines[0]["running_balance"] == 9


async def test_resident_cannot_see_another_members_statement(client, world: World) -> None:
    person, other = await world.person(), await world.person()
    await login(client, person)
    r = await client.get(f"/staff/points/{other.user_id}", headers=EN)
    assert r.status_code == 403


async def test_staff_sees_statement_and_adjusts_with_reason(client, world: World) -> None:
    member = await world.person()
    staff = await world.person(staff=True)
    await _earn(world, member.user_id, 5, memo="fixed a bike")
    await login(client, staff)
    r = await client.get(f"/staff/points/{member.user_id}", headers=EN)
    assert r.status_code == 200 and "fixed a bike" in r.text
    r = await post(client, f"/staff/points/{member.user_id}/adjust",
                   {"amount": "4", "reason": " ", "key": "k1"}, headers=EN)
    assert r.status_code == 422 and "reason" in r.text
    key = unique("form")
    for _ in range(2):  # a double click posts one adjustment
        r = await post(client, f"/staff/points/{member.user_id}/adjust",
                       {"amount": "-2", "reason": "counted twice", "key": key})
        assert r.status_code == 303
    assert (await service.balance(member.user_id)).balance == 3
    row = await Transfer.select().where(Transfer.idempotency_key == "adjust:" + key).first()
    assert row["kind"] == "adjust" and row["actor"] == staff.user_id
    assert row["memo"] == "counted twice"


async def test_staff_of_another_community_gets_403(client, world: World) -> None:
    member = await world.person()
    c = await Community.insert(Community(name=unique("Other "))).returning(Community.id)
    other_world = World(int(c[0]["id"]), None, None)  # type: ignore[arg-type]
    outsider = await other_world.person(staff=True)
    await login(client, outsider)
    r = await client.get(f"/staff/points/{member.user_id}", headers=EN)
    assert r.status_code == 403
    r = await post(client, f"/staff/points/{member.user_id}/adjust",
                   {"amount": "50", "reason": "gift"})
    assert r.status_code == 403
    assert (await service.balance(member.user_id)).balance == 0


async def test_nav_and_home_link_to_my_points(client, world: World) -> None:
    person = await world.person()
    await login(client, person)
    r = await client.get("/", headers=EN)
    assert 'href="/points"' in r.text and "My points" in r.text

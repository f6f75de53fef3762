"""Escalation to the street (街道兜底): community staff escalate with a reason, the street
assigns a helper of any of its communities (never another street's) or sends the wish
back with a note; each step is in the wish's history and the community's staff are told."""

from __future__ import annotations

import pytest

from marketplace.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.notifications.tables import Notification
from marketplace.wishes import service, street
from marketplace.wishes.tables import Wish, WishEvent
from tests.areas.setup import Area, build_area
from tests.cast import new_category, open_wish
from tests.conftest import login, post


async def escalated(a: Area) -> int:
    category = await new_category(a.staff_one)
    wish_id = await open_wish(a.resident, a.staff_one, category)
    await street.escalate(a.staff_one, wish_id, "Nobody here has a van")
    return wish_id


async def kinds_for(user_id: int) -> list[str]:
    rows = await Notification.select(Notification.kind).where(Notification.user == user_id)
    return [r["kind"] for r in rows]


async def test_escalate_needs_a_reason_and_is_recorded() -> None:
    a = await build_area()
    category = await new_category(a.staff_one)
    wish_id = await open_wish(a.resident, a.staff_one, category)
    with pytest.raises(DomainError) as info:
        await street.escalate(a.staff_one, wish_id, "  ")
    assert info.value.field == "note"
    assert (await Wish.select(Wish.street_status).where(Wish.id == wish_id).first()
            )["street_status"] == ""
    await street.escalate(a.staff_one, wish_id, "Nobody here has a van")
    event = await WishEvent.select().where(
        (WishEvent.wish == wish_id) & (WishEvent.action == "escalate")).first()
    assert (event["actor"], event["note"]) == (a.staff_one.user_id, "Nobody here has a van")
    assert event["at"] is not None
    assert "wish_street_escalated" in await kinds_for(a.street_staff.user_id)
    assert "wish_street_escalated" not in await kinds_for(a.other_street_staff.user_id)
    with pytest.raises(Conflict):  # already on the street's queue
        await street.escalate(a.staff_one, wish_id, "Again")


async def test_only_the_communitys_staff_escalate() -> None:
    a = await build_area()
    category = await new_category(a.staff_one)
    wish_id = await open_wish(a.resident, a.staff_one, category)
    for who in (a.resident, a.street_staff, a.district_staff):
        with pytest.raises((Forbidden, NotFound)):
            await street.escalate(who, wish_id, "Please")


async def test_queue_lists_the_streets_escalations_oldest_first() -> None:
    a = await build_area()
    first, second = await escalated(a), await escalated(a)
    rows = await street.queue(a.street_staff, a.street_a)
    assert [r["id"] for r in rows] == [first, second]
    assert all(r["waited_seconds"] >= 0 for r in rows)
    assert await street.queue(a.other_street_staff, a.street_b) == []
    for who in (a.other_street_staff, a.district_staff, a.staff_one):
        with pytest.raises(Forbidden):
            await street.queue(who, a.street_a)


async def test_street_assigns_a_helper_of_another_community_of_the_street() -> None:
    a = await build_area()
    wish_id = await escalated(a)
    helper_two = await a.two.person(helper=True)
    await service.assign(a.street_staff, wish_id, helper_two.user_id)
    wish = await Wish.select().where(Wish.id == wish_id).first()
    assert (wish["status"], wish["street_status"], wish["community"]) == (
        "claimed", "assigned", a.one.community_id)  # the wish keeps its community
    assert "wish_street_assigned" in await kinds_for(a.staff_one.user_id)
    assert "wish_assigned" in await kinds_for(helper_two.user_id)
    assert await street.queue(a.street_staff, a.street_a) == []


async def test_street_cannot_assign_another_streets_helper_or_an_unescalated_wish() -> None:
    a = await build_area()
    wish_id = await escalated(a)
    outsider = await a.other.person(helper=True)
    with pytest.raises(DomainError):
        await service.assign(a.street_staff, wish_id, outsider.user_id)
    category = await new_category(a.staff_one)
    not_escalated = await open_wish(a.resident, a.staff_one, category)
    helper_two = await a.two.person(helper=True)
    with pytest.raises(NotFound):  # the street sees only what was sent to it
        await service.assign(a.street_staff, not_escalated, helper_two.user_id)
    with pytest.raises(NotFound):
        await service.assign(a.other_street_staff, wish_id, helper_two.user_id)


async def test_send_back_with_a_note() -> None:
    a = await build_area()
    wish_id = await escalated(a)
    with pytest.raises(DomainError):
        await street.send_back(a.street_staff, wish_id, "")
    with pytest.raises(Forbidden):  # the community's staff cannot "send back" to themselves
        await street.send_back(a.staff_one, wish_id, "Back")
    await street.send_back(a.street_staff, wish_id, "Ask the property company")
    wish = await Wish.select().where(Wish.id == wish_id).first()
    assert (wish["status"], wish["street_status"]) == ("open", "returned")
    assert wish["street_escalated_at"] is not None  # reports still count it
    assert "wish_sent_back" in await kinds_for(a.staff_one.user_id)
    # Back at the community: it may go to the street again.
    await street.escalate(a.staff_one, wish_id, "Still nobody")


async def test_the_picker_offers_only_the_streets_verified_helpers(client) -> None:
    a = await build_area()
    wish_id = await escalated(a)
    mark = "Zhangsan"
    ok_one = await a.one.person(helper=True, name=f"{mark} One")
    ok_two = await a.two.person(helper=True, name=f"{mark} Two")
    await a.two.person(name=f"{mark} Not a helper")
    await a.other.person(helper=True, name=f"{mark} Other street")
    await login(client, a.street_staff)
    page = await client.get(f"/street/wishes/{wish_id}/pick?helpers=1&person={mark}")
    assert page.status_code == 200
    assert f"{mark} One" in page.text and f"{mark} Two" in page.text
    assert "Not a helper" not in page.text and "Other street" not in page.text
    # The wish page's form uses that picker, and assigning by it works end to end.
    detail = await client.get(f"/wishes/{wish_id}")
    assert f"/street/wishes/{wish_id}/pick" in detail.text
    done = await post(client, f"/wishes/{wish_id}/assign",
                      {"person": "", "person_id": str(ok_two.user_id)})
    assert done.status_code == 303
    assert ok_one.user_id != ok_two.user_id


async def test_another_streets_staff_are_refused_at_every_route(client) -> None:
    a = await build_area()
    wish_id = await escalated(a)
    helper = await a.two.person(helper=True)
    await login(client, a.other_street_staff)
    for path in (f"/wishes/{wish_id}", f"/street/wishes/{wish_id}/pick?person=x"):
        assert (await client.get(path)).status_code == 404
    assert (await client.get(f"/street/{a.street_a}/queue")).status_code == 403
    for action, data in (("assign", {"person_id": str(helper.user_id)}),
                         ("send_back", {"note": "No"}), ("escalate", {"note": "No"})):
        response = await post(client, f"/wishes/{wish_id}/{action}", data)
        assert response.status_code in (403, 404), action
    wish = await Wish.select(Wish.status, Wish.street_status).where(Wish.id == wish_id).first()
    assert wish == {"status": "open", "street_status": "queued"}


async def test_escalate_from_the_wish_page(client) -> None:
    a = await build_area()
    category = await new_category(a.staff_one)
    wish_id = await open_wish(a.resident, a.staff_one, category)
    await login(client, a.staff_one)
    page = await client.get(f"/wishes/{wish_id}")
    assert f'action="/wishes/{wish_id}/escalate"' in page.text
    refused = await post(client, f"/wishes/{wish_id}/escalate", {"note": " "})
    assert refused.status_code == 422
    assert 'id="escalate-note"' in refused.text and 'aria-invalid="true"' in refused.text
    done = await post(client, f"/wishes/{wish_id}/escalate", {"note": "No van"})
    assert done.status_code == 303
    assert (await Wish.select(Wish.street_status).where(Wish.id == wish_id).first()
            )["street_status"] == "queued"


async def test_the_communitys_dashboard_counts_wishes_at_the_street(client) -> None:
    a = await build_area()
    await escalated(a)
    await login(client, a.staff_one)
    page = await client.get(f"/staff/reports?community_id={a.one.community_id}")
    assert 'data-figure="at_street">1<' in page.text

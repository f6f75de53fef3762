"""Every wish transition tells the right person, in the same transaction as the change."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from marketplace.community.tables import Community
from marketplace.errors import Conflict
from marketplace.notifications import service as notifications
from marketplace.notifications.tables import Notification
from marketplace.wishes import service
from marketplace.wishes import timers as wish_timers
from marketplace.wishes.tables import Wish
from tests.conftest import World, unique
from tests.wishes.helpers import age, open_wish


async def kinds(principal) -> list[str]:  # type: ignore[no-untyped-def]
    return await notifications.kinds_sent(principal.user_id)


async def test_review_claim_fulfil_confirm_tell_the_other_side(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper, bystander = await world.person(helper=True), await world.person(helper=True)
    category = await service.add_category(staff, world.community_id, "Repairs", 10)
    rejected = await service.post_wish(owner, service.NewWish(category, "A new car"))
    await service.review(staff, rejected, False, reason="Too large")
    wish_id = await open_wish(world, owner, staff, points=12)
    await service.claim(helper, wish_id)
    await service.fulfil(helper, wish_id, "Done", 30)
    await service.confirm(owner, wish_id, 5)
    assert await kinds(owner) == ["wish_rejected", "wish_approved", "wish_claimed",
                                  "wish_fulfilled"]
    assert await kinds(helper) == ["wish_confirmed"]
    assert await kinds(bystander) == []
    assert await kinds(staff) == []
    items, _ = await notifications.recent(helper)
    assert items[0].link == f"/wishes/{wish_id}" and "12 points" in items[0].text


async def test_release_lapse_and_cancel_tell_who_is_affected(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    first = await world.person(helper=True)
    second = await world.person(helper=True)
    third = await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff)
    await service.claim(first, wish_id)
    await service.release(first, wish_id, "No time")
    await service.claim(second, wish_id)
    await age(wish_id, timedelta(days=30))
    await wish_timers.lapse_claims(datetime.now(UTC))
    await service.claim(third, wish_id)
    await service.cancel(owner, wish_id, "Solved")
    assert await kinds(first) == []
    assert await kinds(second) == ["claim_lapsed"]
    assert await kinds(third) == ["wish_cancelled"]
    assert await kinds(owner) == ["wish_approved", "wish_claimed", "wish_released",
                                  "wish_claimed", "wish_claim_lapsed", "wish_claimed"]


async def test_staff_release_tells_the_helper_and_the_resident(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff)
    await service.claim(helper, wish_id)
    await service.release(staff, wish_id)
    assert await kinds(helper) == ["claim_released_by_staff"]
    assert (await kinds(owner))[-1] == "wish_released"


async def test_dispute_tells_staff_of_the_community_only(world: World) -> None:
    owner, staff, staff2 = (await world.person(), await world.person(staff=True),
                            await world.person(staff=True))
    helper = await world.person(helper=True)
    c = await Community.insert(Community(name=unique("Elsewhere "))).returning(Community.id)
    outsider = await World(int(c[0]["id"]), None, None).person(staff=True)  # type: ignore[arg-type]
    wish_id = await open_wish(world, owner, staff)
    await service.claim(helper, wish_id)
    await service.fulfil(helper, wish_id, "Done", 30)
    await service.dispute(owner, wish_id, "Still broken")
    assert await kinds(staff) == ["wish_disputed"] and await kinds(staff2) == ["wish_disputed"]
    assert await kinds(outsider) == []
    await service.resolve(staff, wish_id, confirm_it=False, note="Try again")
    assert await kinds(helper) == ["dispute_resolved_reopened"]
    assert (await kinds(owner))[-1] == "dispute_resolved_reopened"


async def test_auto_confirm_pays_and_tells_helper_and_resident(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff)
    await service.claim(helper, wish_id)
    await service.fulfil(helper, wish_id, "Done", 30)
    await age(wish_id, timedelta(days=30))
    await wish_timers.auto_confirm(datetime.now(UTC))
    assert (await kinds(owner))[-1] == "wish_auto_confirmed"
    assert await kinds(helper) == ["wish_confirmed"]


async def test_assign_decline_and_escalation(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff)
    await age(wish_id, timedelta(days=30))
    await wish_timers.escalate(datetime.now(UTC))
    assert (await kinds(owner))[-1] == "wish_escalated"
    assert await kinds(staff) == ["wish_escalated_staff"]
    await service.assign(staff, wish_id, helper.user_id)
    assert await kinds(helper) == ["wish_assigned"]
    await service.decline(helper, wish_id, "Away this week")
    assert await kinds(staff) == ["wish_escalated_staff", "assignment_declined"]
    row = await Wish.select().where(Wish.id == wish_id).first()
    assert row["status"] == "open" and row["escalated_at"] is not None
    assert await service.active_claimers(wish_id) == []


async def test_deadline_reminder_is_sent_once_per_claim(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff)
    await service.claim(helper, wish_id)
    await wish_timers.remind_due_claims(datetime.now(UTC))
    assert await kinds(helper) == []  # seven days left: not due yet
    await age(wish_id, timedelta(days=6, hours=12))
    now = datetime.now(UTC)
    await asyncio.gather(*(wish_timers.remind_due_claims(now) for _ in range(3)))
    await age(wish_id, timedelta(hours=1))
    await wish_timers.remind_due_claims(datetime.now(UTC))
    assert await kinds(helper) == ["claim_due_soon"]


async def test_a_refused_move_sends_nothing(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    first, second = await world.person(helper=True), await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff)
    await service.claim(first, wish_id)
    before = await Notification.count().where(Notification.user == owner.user_id)
    with pytest.raises(Conflict):
        await service.claim(second, wish_id)
    assert await Notification.count().where(Notification.user == owner.user_id) == before

"""Four eyes on money: staff never adjust or reverse their own points, and adjustments
above the community's threshold wait for a second staff member or an administrator."""

from __future__ import annotations

import asyncio

import pytest

from marketplace.audit.tables import AuditEvent
from marketplace.community.tables import Community
from marketplace.errors import Conflict, Forbidden
from marketplace.ledger import corrections, service
from marketplace.ledger.tables import PendingAdjustment, Transfer
from tests.conftest import World, login, post, text_of, unique

EN = {"accept-language": "en"}


async def test_staff_cannot_adjust_or_reverse_their_own_points(world: World) -> None:
    staff = await world.person(staff=True)
    award = await service.award(world.community_id, staff.user_id, 10, "award", "wish:1",
                                None, "", unique("k"))
    written = await Transfer.count()
    with pytest.raises(Forbidden):
        await corrections.adjust(staff, staff.user_id, 5, "for me", unique("k"))
    with pytest.raises(Forbidden):
        await corrections.reverse(staff, award["id"], "undo my own")
    # Neither may an administrator, in any community.
    admin = await world.person(admin=True)
    with pytest.raises(Forbidden):
        await corrections.adjust(admin, admin.user_id, 5, "for me", unique("k"))
    assert await Transfer.count() == written
    assert (await service.balance(staff.user_id)).balance == 10


async def test_large_adjustment_waits_for_a_second_staff_member(world: World) -> None:
    person = await world.person()
    first, second = await world.person(staff=True), await world.person(staff=True)
    key = unique("k")
    asked = await corrections.adjust(first, person.user_id, 250, "paper records", key)
    again = await corrections.adjust(first, person.user_id, 250, "paper records", key)
    assert asked["pending"] and again["id"] == asked["id"]  # a double click files one
    assert (await service.balance(person.user_id)).balance == 0
    with pytest.raises(Forbidden):
        await corrections.approve_adjustment(first, asked["id"])
    assert (await service.balance(person.user_id)).balance == 0

    moved = await corrections.approve_adjustment(second, asked["id"])
    assert moved["amount"] == 250 and (await service.balance(person.user_id)).balance == 250
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "adjustment_approved") & (AuditEvent.actor == second.user_id)
        & (AuditEvent.target_id == moved["id"]))
    with pytest.raises(Conflict):
        await corrections.approve_adjustment(second, asked["id"])
    with pytest.raises(Conflict):
        await corrections.decline_adjustment(second, asked["id"])
    assert await corrections.pending_adjustments(second, person.user_id) == []
    # At or below the threshold the adjustment posts at once.
    small = await corrections.adjust(first, person.user_id, 200, "fair", unique("k"))
    assert not small.get("pending") and (await service.balance(person.user_id)).balance == 450
    assert await service.check() == []


async def test_the_member_cannot_approve_an_adjustment_of_their_own_points(
        world: World) -> None:
    staff_a, staff_b = await world.person(staff=True), await world.person(staff=True)
    asked = await corrections.adjust(staff_a, staff_b.user_id, 500, "overtime", unique("k"))
    with pytest.raises(Forbidden):
        await corrections.approve_adjustment(staff_b, asked["id"])
    admin = await world.person(admin=True)
    await corrections.approve_adjustment(admin, asked["id"])
    assert (await service.balance(staff_b.user_id)).balance == 500


async def test_declined_request_moves_nothing_and_threshold_is_a_community_rule(
        world: World) -> None:
    person = await world.person()
    first, second = await world.person(staff=True), await world.person(staff=True)
    await Community.update({Community.adjust_approval_over: 10}).where(
        Community.id == world.community_id)
    asked = await corrections.adjust(first, person.user_id, -20, "double counted", unique("k"))
    assert asked["pending"]
    await corrections.decline_adjustment(second, asked["id"])
    row = await PendingAdjustment.select().where(PendingAdjustment.id == asked["id"]).first()
    assert row["status"] == "declined" and row["transfer_id"] is None
    assert not await Transfer.exists().where(
        (Transfer.kind == "adjust") & (Transfer.reference == f"user:{person.user_id}"))


async def test_two_approvers_at_once_post_one_transfer(world: World) -> None:
    person = await world.person()
    first = await world.person(staff=True)
    approvers = [await world.person(staff=True) for _ in range(3)]
    asked = await corrections.adjust(first, person.user_id, 300, "festival", unique("k"))
    results = await asyncio.gather(
        *(corrections.approve_adjustment(a, asked["id"]) for a in approvers),
        return_exceptions=True)
    assert sum(1 for r in results if isinstance(r, dict)) == 1
    assert all(isinstance(r, Conflict) for r in results if not isinstance(r, dict))
    assert (await service.balance(person.user_id)).balance == 300
    assert await service.check() == []


async def test_staff_page_shows_pending_with_approve_for_another_staff_member(
        client, world: World) -> None:
    person = await world.person(name="Resident Wang")
    first, second = await world.person(staff=True), await world.person(staff=True)
    await login(client, first)
    r = await post(client, f"/staff/points/{person.user_id}/adjust",
                   {"amount": "300", "reason": "paper records", "key": unique("k")},
                   headers=EN)
    assert r.status_code == 303
    page = await client.get(f"/staff/points/{person.user_id}", headers=EN)
    assert "awaiting approval" in text_of(page.text) and "/approve" not in page.text
    assert (await service.balance(person.user_id)).balance == 0
    # Own page: no adjustment form, and the service refuses a forged post.
    own = await client.get(f"/staff/points/{first.user_id}", headers=EN)
    assert f'action="/staff/points/{first.user_id}/adjust"' not in own.text
    r = await post(client, f"/staff/points/{first.user_id}/adjust",
                   {"amount": "5", "reason": "me", "key": unique("k")}, headers=EN)
    assert r.status_code == 403 and (await service.balance(first.user_id)).balance == 0

    client.cookies.clear()
    await login(client, second)
    page = await client.get(f"/staff/points/{person.user_id}", headers=EN)
    pending_id = (await PendingAdjustment.select().where(
        PendingAdjustment.member == person.user_id).first())["id"]
    action = f"/staff/points/{person.user_id}/pending/{pending_id}/approve"
    assert action in page.text
    r = await post(client, action, headers=EN)
    assert r.status_code == 303
    assert (await service.balance(person.user_id)).balance == 300


async def test_staff_set_the_threshold_on_the_point_rules_page(client, world: World) -> None:
    staff = await world.person(staff=True)
    await login(client, staff)
    base = {"per_gift": "50", "per_month": "200", "expiry_months": "0"}
    r = await post(client, f"/staff/care/{world.community_id}/rules",
                   {**base, "approval_over": "-1"}, headers=EN)
    assert r.status_code in (200, 422) and "at least 0" in text_of(r.text)
    r = await post(client, f"/staff/care/{world.community_id}/rules",
                   {**base, "approval_over": "80"}, headers=EN)
    assert r.status_code == 303
    assert await corrections.approval_threshold(world.community_id) == 80

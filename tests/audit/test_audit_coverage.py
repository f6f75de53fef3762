"""Sensitive staff actions leave an audit line: who, which object, what."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from marketplace.audit.tables import AuditEvent
from marketplace.rewards import merchants, service, settlement
from marketplace.rewards.tables import RedeemCode
from marketplace.wishes import service as wishes
from tests.conftest import World
from tests.rewards.helpers import resident, shop


async def _lines(community_id: int, action: str) -> list[dict]:
    return await AuditEvent.select().where(
        (AuditEvent.community == community_id) & (AuditEvent.action == action))


async def test_merchant_review_rate_and_settlement_are_audited(world: World) -> None:
    s = await shop(world, price=10)
    staff = await world.person(staff=True)
    verified = await _lines(world.community_id, "merchant_verified")
    assert [(r["target_type"], r["target_id"]) for r in verified] == [
        ("merchant", s.merchant_id)]

    await merchants.set_rate(staff, s.merchant_id, 20)
    rate = await _lines(world.community_id, "merchant_rate_set")
    assert rate[0]["actor"] == staff.user_id and "20" in rate[0]["detail"]

    buyer = await resident(world, 50)
    code = await service.issue(buyer, s.offer_id)
    await service.redeem(s.owner, s.merchant_id, code["code"])
    yesterday = datetime.now(UTC) - timedelta(days=2)
    await RedeemCode.update({RedeemCode.redeemed_at: yesterday}).where(
        RedeemCode.merchant == s.merchant_id)
    day: date = (yesterday + timedelta(hours=8)).date()
    settlement_id = await settlement.close_period(staff, s.merchant_id, day, day)
    await settlement.mark_paid(staff, settlement_id, "bank transfer 42")
    closed = await _lines(world.community_id, "settlement_closed")
    paid = await _lines(world.community_id, "settlement_paid")
    assert [r["target_id"] for r in closed] == [settlement_id]
    assert paid[0]["detail"] == "bank transfer 42" and paid[0]["actor"] == staff.user_id


async def test_declined_merchant_is_audited_with_the_reason(world: World) -> None:
    owner = await world.person()
    staff = await world.person(staff=True)
    merchant_id = await merchants.apply(owner, merchants.Application(
        "Tea house", "2 River Road", "8:00–20:00", "13800002222", "Tea"))
    await merchants.review(staff, merchant_id, False, reason="No business licence yet")
    lines = await _lines(world.community_id, "merchant_declined")
    assert lines[0]["detail"] == "No business licence yet"


async def test_dispute_resolution_and_assignment_are_audited(world: World) -> None:
    staff = await world.person(staff=True)
    owner = await world.person()
    helper = await world.person(helper=True)
    cat = await wishes.add_category(staff, world.community_id, "Repairs", 10)
    wish_id = await wishes.post_wish(owner, wishes.NewWish(cat, "Fix the gate latch"))
    await wishes.review(staff, wish_id, True)
    await wishes.assign(staff, wish_id, helper.user_id)
    await wishes.fulfil(helper, wish_id, "New latch fitted", 30)
    await wishes.dispute(owner, wish_id, "It still sticks")
    await wishes.resolve(staff, wish_id, False, "Helper will come back with oil")
    assigned = await _lines(world.community_id, "wish_assigned")
    resolved = await _lines(world.community_id, "dispute_resolved")
    assert [r["target_id"] for r in assigned] == [wish_id]
    assert resolved[0]["detail"] == "reopened: Helper will come back with oil"

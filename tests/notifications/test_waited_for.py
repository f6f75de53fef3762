"""Notifications for the events people wait for (issue 14): a wish expired, a claim on it
lapsed, a helper application reviewed, a shop's settlement closed or paid, points expired.
Each is written in the transaction of the change: a change that fails sends nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from marketplace import clock
from marketplace.accounts import helpers
from marketplace.accounts.tables import HelperProfile
from marketplace.community.tables import Community
from marketplace.errors import Conflict
from marketplace.ledger import expiry
from marketplace.ledger import service as ledger
from marketplace.notifications import service as notifications
from marketplace.rewards import service as rewards
from marketplace.rewards import settlement
from marketplace.rewards.tables import RedeemCode
from marketplace.wishes import service as wishes
from marketplace.wishes import timers as wish_timers
from marketplace.wishes.tables import Wish
from tests.conftest import World, unique
from tests.rewards.helpers import resident, shop
from tests.wishes.helpers import age, open_wish


async def _texts(principal) -> list[str]:  # type: ignore[no-untyped-def]
    shown, _next = await notifications.recent(principal)
    return [s.text for s in shown]


async def test_owner_is_told_when_the_wish_expires(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    wish_id = await open_wish(world, owner, staff, title="Walk the dog")
    await Wish.update({Wish.wished_by: date(2026, 3, 1)}).where(Wish.id == wish_id)
    moment = datetime(2026, 3, 5, tzinfo=UTC)
    assert await wish_timers.expire(moment) >= 1
    assert await wish_timers.expire(moment) == 0  # once
    assert (await notifications.kinds_sent(owner.user_id))[-1] == "wish_expired"
    assert (await notifications.kinds_sent(owner.user_id)).count("wish_expired") == 1
    assert "“Walk the dog” expired" in (await _texts(owner))[0]


async def test_owner_is_told_when_a_claim_lapses(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff, title="Fix the light")
    await wishes.claim(helper, wish_id)
    await age(wish_id, timedelta(days=30))
    await wish_timers.lapse_claims(datetime.now(UTC))
    assert (await notifications.kinds_sent(owner.user_id))[-1] == "wish_claim_lapsed"
    assert await notifications.kinds_sent(helper.user_id) == ["claim_lapsed"]
    shown, _next = await notifications.recent(owner)
    assert shown[0].link == f"/wishes/{wish_id}" and "open again" in shown[0].text


async def test_helper_is_told_the_review(world: World) -> None:
    staff = await world.person(staff=True)
    yes, no = await world.person(), await world.person()
    for person in (yes, no):
        await helpers.apply_as_helper(person, "volunteer", "", "")
    ids = {p.user_id: (await HelperProfile.select(HelperProfile.id).where(
        HelperProfile.user == p.user_id).first())["id"] for p in (yes, no)}
    await helpers.review_helper(staff, ids[yes.user_id], True, "")
    await helpers.review_helper(staff, ids[no.user_id], False, "Please bring your ID card")
    assert await notifications.kinds_sent(yes.user_id) == ["helper_verified"]
    assert await notifications.kinds_sent(no.user_id) == ["helper_declined"]
    assert "Please bring your ID card" in (await _texts(no))[0]
    # A second review is refused, and says nothing again.
    with pytest.raises(Conflict):
        await helpers.review_helper(staff, ids[yes.user_id], True, "")
    assert await notifications.kinds_sent(yes.user_id) == ["helper_verified"]


async def test_shop_owner_is_told_when_settled_and_paid(world: World) -> None:
    s = await shop(world, price=10, name="Tea corner")
    staff = await world.person(staff=True)
    buyer = await resident(world, 50)
    code = await rewards.issue(buyer, s.offer_id)
    await rewards.redeem(s.owner, s.merchant_id, code["code"])
    at = datetime.now(UTC) - timedelta(days=2)
    await RedeemCode.update({RedeemCode.redeemed_at: at}).where(
        RedeemCode.merchant == s.merchant_id)
    day = clock.local_date(at)
    settlement_id = await settlement.close_period(staff, s.merchant_id, day, day)
    await settlement.mark_paid(staff, settlement_id, "Cash at the office")
    kinds = await notifications.kinds_sent(s.owner.user_id)
    assert kinds[-2:] == ["settlement_closed", "settlement_paid"]
    shown, _next = await notifications.recent(s.owner)
    assert shown[0].link == f"/settlements/{settlement_id}"
    assert "Cash at the office" in shown[0].text
    assert "“Tea corner”" in shown[1].text and "10 points" in shown[1].text
    # Nothing to settle: refused, and nobody is told.
    with pytest.raises(Conflict):
        await settlement.close_period(staff, s.merchant_id, day, day)
    assert await notifications.kinds_sent(s.owner.user_id) == kinds


async def test_holder_is_told_once_when_points_expire(world: World) -> None:
    person = await world.person()
    await ledger.award(world.community_id, person.user_id, 9, "award", "test", None, "",
                       unique("k"))
    await Community.update({Community.points_expiry_months: 1}).where(
        Community.id == world.community_id)
    later = datetime.now(UTC) + timedelta(days=40)
    assert await expiry.expire_due(later, world.community_id) == 9
    assert await expiry.expire_due(later, world.community_id) == 0
    assert (await notifications.kinds_sent(person.user_id)).count("points_expired") == 1
    assert "9 of your points expired" in (await _texts(person))[0]

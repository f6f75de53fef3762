"""Timers: deadlines lapse, fulfilments auto-confirm, unclaimed wishes escalate, once only."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from marketplace import timers
from marketplace.ledger import service as ledger
from marketplace.wishes import service
from marketplace.wishes import timers as wish_timers
from marketplace.wishes.tables import Wish, WishEvent
from tests.conftest import World
from tests.wishes.helpers import age


async def _open(world: World, points: int = 10) -> tuple[int, object, object]:
    owner, staff = await world.person(), await world.person(staff=True)
    category = await service.add_category(staff, world.community_id, "Repairs", points)
    wish_id = await service.post_wish(owner, service.NewWish(category, "Mend the fence"))
    await service.review(staff, wish_id, True)
    return wish_id, owner, staff


async def _status(wish_id: int) -> str:
    return (await Wish.select(Wish.status).where(Wish.id == wish_id).first())["status"]


async def test_claim_lapses_after_deadline_once(world: World) -> None:
    wish_id, _, _ = await _open(world)
    helper = await world.person(helper=True)
    await service.claim(helper, wish_id)
    await wish_timers.lapse_claims(datetime.now(UTC))
    assert await _status(wish_id) == "claimed"  # not due yet
    await age(wish_id, timedelta(days=8))
    now = datetime.now(UTC)
    results = await asyncio.gather(wish_timers.lapse_claims(now),
                                   wish_timers.lapse_claims(now))
    assert await _status(wish_id) == "open"
    assert await WishEvent.count().where(
        (WishEvent.wish == wish_id) & (WishEvent.action == "lapse")) == 1
    assert sum(results) >= 1


async def test_fulfilment_confirms_itself_after_n_days_and_pays_once(world: World) -> None:
    wish_id, _, _ = await _open(world, points=9)
    helper = await world.person(helper=True)
    await service.claim(helper, wish_id)
    await service.fulfil(helper, wish_id, "done", 20)
    await age(wish_id, timedelta(days=8))
    now = datetime.now(UTC)
    await asyncio.gather(*(timers.run_all(now) for _ in range(3)))
    assert await _status(wish_id) == "confirmed"
    assert (await ledger.balance(helper.user_id)).balance == 9
    events = await WishEvent.select().where(WishEvent.wish == wish_id)
    assert [e["actor"] for e in events if e["action"] == "auto_confirm"] == [None]


async def test_unclaimed_wish_escalates_once(world: World) -> None:
    wish_id, _, _ = await _open(world)
    await wish_timers.escalate(datetime.now(UTC))
    assert (await Wish.select(Wish.escalated_at).where(Wish.id == wish_id).first())[
        "escalated_at"] is None  # not due yet
    await age(wish_id, timedelta(days=4))
    now = datetime.now(UTC)
    assert sum(await asyncio.gather(wish_timers.escalate(now),
                                    wish_timers.escalate(now))) >= 1
    row = await Wish.select(Wish.escalated_at).where(Wish.id == wish_id).first()
    assert row["escalated_at"] is not None
    await age(wish_id, timedelta(days=1))
    await wish_timers.escalate(datetime.now(UTC))
    again = await Wish.select(Wish.escalated_at).where(Wish.id == wish_id).first()
    assert again["escalated_at"] == row["escalated_at"]  # escalated once, not re-stamped


async def test_wish_expires_after_its_wished_by_day_in_local_time(world: World) -> None:
    wish_id, _, _ = await _open(world)
    day = date(2026, 3, 9)
    await Wish.update({Wish.wished_by: day}).where(Wish.id == wish_id)
    # 23:00 local on the 9th (15:00 UTC): the day has not passed yet.
    await wish_timers.expire(datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
    assert await _status(wish_id) == "open"
    # 01:00 local on the 10th is still the 9th in UTC: the wished-by day is over.
    await wish_timers.expire(datetime(2026, 3, 9, 17, 0, tzinfo=UTC))
    assert await _status(wish_id) == "expired"

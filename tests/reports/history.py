"""Building wish histories with known timestamps, the way the tests want them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from marketplace.principal import Principal
from marketplace.wishes import service, stageclock
from marketplace.wishes.tables import Wish, WishClaim, WishEvent

# The steps of the loop a wish can go through, in order.
STEPS = ("approve", "claim", "fulfil", "confirm")


@dataclass
class Made:
    wish_id: int
    posted: datetime
    hours_after: dict[str, float]  # step -> hours after the previous step


async def make_wish(owner: Principal, staff: Principal, helper: Principal, category: int,
                    posted: datetime, gaps: list[float], minutes: int = 60,
                    rating: int | None = 5, title: str = "Fix the door") -> Made:
    """Walk a wish through the first len(gaps) steps, then date each event as given."""
    wish_id = await service.post_wish(owner, service.NewWish(category, title))
    for step in STEPS[:len(gaps)]:
        if step == "approve":
            await service.review(staff, wish_id, approve=True)
        elif step == "claim":
            await service.claim(helper, wish_id)
        elif step == "fulfil":
            await service.fulfil(helper, wish_id, "Done", minutes)
        else:
            await service.confirm(owner, wish_id, rating, "Thanks")
    await Wish.update({Wish.created_at: posted}).where(Wish.id == wish_id)
    events = await WishEvent.select(WishEvent.id, WishEvent.action).where(
        WishEvent.wish == wish_id).order_by(WishEvent.id)
    moment = posted
    for event, gap in zip(events, [0.0, *gaps], strict=True):
        moment = moment + timedelta(hours=gap)
        await WishEvent.update({WishEvent.at: moment}).where(WishEvent.id == event["id"])
        if event["action"] == "claim":
            await WishClaim.update({WishClaim.joined_at: moment}).where(
                WishClaim.wish == wish_id)
    if len(gaps) == len(STEPS):
        await stageclock.keep(wish_id)  # its history rewritten: its durations too
    return Made(wish_id, posted, dict(zip(STEPS, gaps, strict=False)))


def days_ago(n: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=n)

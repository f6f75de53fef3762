"""The wish loop through the service: post → review → claim → fulfil → confirm → points."""

from __future__ import annotations

import asyncio

import pytest

from marketplace.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.ledger import service as ledger
from marketplace.principal import Principal
from marketplace.wishes import service
from marketplace.wishes.tables import Wish, WishClaim, WishEvent
from tests.conftest import World


async def _open_wish(world: World, owner: Principal, staff: Principal, points: int = 15) -> int:
    category = await service.add_category(staff, world.community_id, "Repairs", 10)
    wish_id = await service.post_wish(owner, service.NewWish(category, "Fix the kitchen tap"))
    await service.review(staff, wish_id, approve=True, points=points)
    return wish_id


async def _status(wish_id: int) -> str:
    return (await Wish.select(Wish.status).where(Wish.id == wish_id).first())["status"]


async def test_whole_loop_pays_the_helper(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    wish_id = await _open_wish(world, owner, staff, points=15)
    before = (await ledger.balance(helper.user_id)).balance
    await service.claim(helper, wish_id)
    await service.fulfil(helper, wish_id, "Replaced the washer", minutes=45)
    await service.confirm(owner, wish_id, rating=5, comment="Thank you!")
    assert await _status(wish_id) == "confirmed"
    assert (await ledger.balance(helper.user_id)).balance == before + 15
    events = await service.history(wish_id)
    assert [(e["from_state"], e["to_state"]) for e in events] == [
        ("", "pending"), ("pending", "open"), ("open", "claimed"), ("claimed", "fulfilled"),
        ("fulfilled", "confirmed")]
    assert [e["actor"] for e in events] == [owner.user_id, staff.user_id, helper.user_id,
                                            helper.user_id, owner.user_id]
    assert await ledger.check() == []


async def test_points_outside_community_limits_are_refused(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    category = await service.add_category(staff, world.community_id, "Errands", 10)
    wish_id = await service.post_wish(owner, service.NewWish(category, "Buy medicine"))
    with pytest.raises(DomainError, match="between 1 and 100"):
        await service.review(staff, wish_id, approve=True, points=500)
    assert await _status(wish_id) == "pending"


async def test_rejection_needs_a_reason_the_resident_sees(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    category = await service.add_category(staff, world.community_id, "Other", 5)
    wish_id = await service.post_wish(owner, service.NewWish(category, "A new car please"))
    with pytest.raises(DomainError):
        await service.review(staff, wish_id, approve=False, reason=" ")
    await service.review(staff, wish_id, approve=False, reason="Too large for a micro-wish")
    row = await Wish.select().where(Wish.id == wish_id).first()
    assert row["status"] == "rejected" and row["reject_reason"] == "Too large for a micro-wish"


async def test_two_hundred_simultaneous_claims_have_one_winner(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    wish_id = await _open_wish(world, owner, staff)
    helpers = [await world.person(helper=True) for _ in range(200)]
    results = await asyncio.gather(*(service.claim(h, wish_id) for h in helpers),
                                   return_exceptions=True)
    winners = [r for r in results if r is None]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1 and len(losers) == 199
    assert "already been claimed" in losers[0].message
    assert await WishClaim.count().where(WishClaim.wish == wish_id) == 1
    assert await WishEvent.count().where(
        (WishEvent.wish == wish_id) & (WishEvent.action == "claim")) == 1


async def test_resident_cannot_claim_own_wish(world: World) -> None:
    staff = await world.person(staff=True)
    owner = await world.person(helper=True)  # a helper is a resident too
    wish_id = await _open_wish(world, owner, staff)
    with pytest.raises(Forbidden):
        await service.claim(owner, wish_id)


async def test_helper_cannot_confirm_own_work(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    wish_id = await _open_wish(world, owner, staff)
    await service.claim(helper, wish_id)
    await service.fulfil(helper, wish_id, "done", minutes=10)
    with pytest.raises(Forbidden):
        await service.confirm(helper, wish_id, rating=5)
    assert await _status(wish_id) == "fulfilled"


async def test_staff_of_another_community_cannot_review(world: World) -> None:
    owner = await world.person()
    staff = await world.person(staff=True)
    category = await service.add_category(staff, world.community_id, "Repairs", 10)
    wish_id = await service.post_wish(owner, service.NewWish(category, "Fix the light"))
    outsider = Principal(user_id=staff.user_id, login="x", display_name="x",
                         community_id=world.community_id + 10_000,
                         staff_community_ids=frozenset({world.community_id + 10_000}))
    with pytest.raises(NotFound):  # another community's wishes do not exist for them
        await service.review(outsider, wish_id, approve=True)


async def test_release_returns_wish_to_open_and_dispute_then_reopen(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper, other = await world.person(helper=True), await world.person(helper=True)
    wish_id = await _open_wish(world, owner, staff)
    await service.claim(helper, wish_id)
    await service.release(helper, wish_id, "Can't make it this week")
    assert await _status(wish_id) == "open"
    await service.claim(other, wish_id)
    await service.fulfil(other, wish_id, "done", minutes=30)
    await service.dispute(owner, wish_id, "The tap still drips")
    await service.resolve(staff, wish_id, confirm_it=False, note="Back to open")
    assert await _status(wish_id) == "open"
    assert await service.active_claimers(wish_id) == []
    assert (await ledger.balance(other.user_id)).balance == 0


async def test_team_points_split_evenly_remainder_to_first() -> None:
    assert service.split_points(10, 3) == [4, 3, 3]
    assert service.split_points(9, 3) == [3, 3, 3]
    assert service.split_points(7, 1) == [7]
    assert sum(service.split_points(101, 4)) == 101

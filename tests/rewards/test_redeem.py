"""Codes: issue, cancel, expire and redeem, including the races the issue names."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from marketplace.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.ledger import service as ledger
from marketplace.notifications import service as notifications
from marketplace.rewards import service
from marketplace.rewards.tables import Offer, RedeemCode
from tests.conftest import World
from tests.rewards.helpers import other_world, resident, shop


async def _stock(offer_id: int) -> dict:
    return await Offer.select(Offer.stock_left, Offer.sold).where(Offer.id == offer_id).first()


async def test_code_holds_points_and_redeem_moves_them(world: World) -> None:
    s = await shop(world, price=30, stock=5)
    r = await resident(world, 100)
    code = await service.issue(r, s.offer_id)
    assert len(code["code"]) == 8
    b = await ledger.balance(r.user_id)
    assert (b.balance, b.held) == (100, 30)
    assert (await _stock(s.offer_id))["stock_left"] == 4
    found = await service.lookup(s.owner, s.merchant_id, code["code"].lower())
    assert found["resident.display_name"] == r.display_name
    code_id = await service.redeem(s.owner, s.merchant_id, code["code"][:4] + "-" +
                                   code["code"][4:])
    assert code_id == code["id"]
    b = await ledger.balance(r.user_id)
    assert (b.balance, b.held) == (70, 0)
    account = await ledger.merchant_account(world.community_id, s.merchant_id)
    assert account["balance"] == 30
    assert await _stock(s.offer_id) == {"stock_left": 4, "sold": 1}
    assert "code_redeemed" in await notifications.kinds_sent(r.user_id)
    assert await ledger.check() == []


async def test_100_simultaneous_confirmations_exactly_one_wins(world: World) -> None:
    s = await shop(world, price=10)
    r = await resident(world, 50)
    code = await service.issue(r, s.offer_id)

    async def confirm() -> bool:
        try:
            await service.redeem(s.owner, s.merchant_id, code["code"])
        except DomainError:
            return False
        return True

    results = await asyncio.gather(*(confirm() for _ in range(100)))
    assert results.count(True) == 1
    assert (await ledger.balance(r.user_id)).balance == 40
    account = await ledger.merchant_account(world.community_id, s.merchant_id)
    assert account["balance"] == 10
    assert (await _stock(s.offer_id))["sold"] == 1
    assert await ledger.check() == []


async def test_simultaneous_codes_for_last_item_never_oversell(world: World) -> None:
    s = await shop(world, price=10, stock=1)
    people = [await resident(world, 20) for _ in range(12)]
    results = await asyncio.gather(*(service.issue(p, s.offer_id) for p in people),
                                   return_exceptions=True)
    winners = [x for x in results if isinstance(x, dict)]
    assert len(winners) == 1
    assert all(isinstance(x, Conflict) for x in results if not isinstance(x, dict))
    assert (await _stock(s.offer_id))["stock_left"] == 0
    for p in people:
        b = await ledger.balance(p.user_id)
        assert b.held == (10 if p.user_id == winners[0]["resident"] else 0)
    # The winner cancels: the item is back for the others.
    winner = next(p for p in people if p.user_id == winners[0]["resident"])
    await service.cancel(winner, winners[0]["id"])
    assert (await _stock(s.offer_id))["stock_left"] == 1
    assert (await ledger.balance(winner.user_id)).held == 0
    assert await ledger.check() == []


async def test_per_person_limit_holds_under_simultaneous_requests(world: World) -> None:
    s = await shop(world, price=5, limit=2, period="day")
    r = await resident(world, 200)
    results = await asyncio.gather(*(service.issue(r, s.offer_id) for _ in range(10)),
                                   return_exceptions=True)
    assert sum(isinstance(x, dict) for x in results) == 2
    assert (await ledger.balance(r.user_id)).held == 10
    with pytest.raises(DomainError, match="limit"):
        await service.issue(r, s.offer_id)
    # A cancelled code gives its slot back.
    first = next(x for x in results if isinstance(x, dict))
    await service.cancel(r, first["id"])
    await service.issue(r, s.offer_id)


async def test_not_enough_points_gives_stock_back(world: World) -> None:
    s = await shop(world, price=50, stock=1)
    poor = await resident(world, 10)
    with pytest.raises(DomainError, match="Not enough points"):
        await service.issue(poor, s.offer_id)
    assert (await _stock(s.offer_id))["stock_left"] == 1


async def test_code_refused_elsewhere_after_cancel_expiry_and_twice(world: World) -> None:
    s = await shop(world, price=10)
    other = await shop(world, price=10, name="Other shop")
    r = await resident(world, 100)

    code = await service.issue(r, s.offer_id)
    with pytest.raises(DomainError, match="not a valid code"):
        await service.redeem(other.owner, other.merchant_id, code["code"])
    with pytest.raises(Forbidden):  # not a member of that merchant
        await service.redeem(other.owner, s.merchant_id, code["code"])
    await service.redeem(s.owner, s.merchant_id, code["code"])
    with pytest.raises(Conflict, match="already used"):
        await service.redeem(s.owner, s.merchant_id, code["code"])

    cancelled = await service.issue(r, s.offer_id)
    await service.cancel(r, cancelled["id"])
    with pytest.raises(Conflict, match="cancelled"):
        await service.redeem(s.owner, s.merchant_id, cancelled["code"])
    with pytest.raises(Conflict):
        await service.cancel(r, cancelled["id"])

    late = await service.issue(r, s.offer_id)
    await RedeemCode.update({RedeemCode.expires_at: datetime.now(UTC) - timedelta(seconds=1)}
                            ).where(RedeemCode.id == late["id"])
    with pytest.raises(Conflict, match="expired"):
        await service.redeem(s.owner, s.merchant_id, late["code"])
    assert await service.expire_codes(datetime.now(UTC)) >= 1
    row = await RedeemCode.select(RedeemCode.status).where(RedeemCode.id == late["id"]).first()
    assert row["status"] == "expired"
    b = await ledger.balance(r.user_id)
    assert (b.balance, b.held) == (90, 0)
    assert await ledger.check() == []


async def test_cancel_only_own_code(world: World) -> None:
    s = await shop(world)
    r, other = await resident(world), await resident(world)
    code = await service.issue(r, s.offer_id)
    with pytest.raises(NotFound):
        await service.cancel(other, code["id"])


async def test_wrong_codes_are_throttled_per_member(world: World) -> None:
    s = await shop(world)
    r = await resident(world)
    code = await service.issue(r, s.offer_id)
    for _ in range(service.MAX_FAILURES):
        with pytest.raises(DomainError, match="not a valid code"):
            await service.lookup(s.owner, s.merchant_id, "ABCD2345")
    with pytest.raises(DomainError, match="Too many"):
        await service.redeem(s.owner, s.merchant_id, code["code"])


async def test_other_community_cannot_get_codes(world: World) -> None:
    s = await shop(world)
    stranger = await (await other_world()).person()
    with pytest.raises(NotFound):
        await service.issue(stranger, s.offer_id)

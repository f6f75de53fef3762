"""Points are conserved through any run of issues, cancels, expiries and redemptions; and
the demo's merchants arrive with offers and history."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from marketplace.accounts import sessions
from marketplace.errors import DomainError
from marketplace.ledger import service as ledger
from marketplace.rewards import service, settlement
from marketplace.rewards.tables import Merchant, Offer, RedeemCode
from tests.conftest import World
from tests.rewards.helpers import resident, shop


async def test_random_run_conserves_points(world: World) -> None:
    rng = random.Random(5)
    shops = [await shop(world, price=7, stock=6), await shop(world, price=11, limit=3,
                                                              period="week")]
    people = [await resident(world, 60) for _ in range(4)]
    active: list[tuple] = []
    for _ in range(80):
        op = rng.choice(["issue", "issue", "redeem", "cancel", "expire"])
        try:
            if op == "issue":
                s = rng.choice(shops)
                p = rng.choice(people)
                active.append((await service.issue(p, s.offer_id), p, s))
            elif active:
                code, p, s = active.pop(rng.randrange(len(active)))
                if op == "redeem":
                    await service.redeem(s.owner, s.merchant_id, code["code"])
                elif op == "cancel":
                    await service.cancel(p, code["id"])
                else:
                    past = datetime.now(UTC) - timedelta(seconds=1)
                    await RedeemCode.update({RedeemCode.expires_at: past}).where(
                        RedeemCode.id == code["id"])
                    await service.expire_codes(datetime.now(UTC))
        except DomainError:
            continue  # sold out, limit reached, not enough points: all fine refusals
    assert await ledger.check() == []
    for s in shops:
        account = await ledger.merchant_account(world.community_id, s.merchant_id)
        receipts = await settlement.redemptions(s.owner, s.merchant_id)
        assert account["balance"] == sum(r["price"] for r in receipts)
        offer = await Offer.select().where(Offer.id == s.offer_id).first()
        assert offer["sold"] == len(receipts)
        if offer["stock_left"] is not None:
            open_codes = await RedeemCode.count().where(
                (RedeemCode.offer == s.offer_id) & (RedeemCode.status == "active"))
            assert offer["stock_left"] + offer["sold"] + open_codes == 6
    for p in people:
        b = await ledger.balance(p.user_id)
        open_held = sum(r["price"] for r in await RedeemCode.select(RedeemCode.price).where(
            (RedeemCode.resident == p.user_id) & (RedeemCode.status == "active")))
        assert b.held == open_held


async def test_demo_has_two_merchants_with_history() -> None:
    from marketplace import demo

    await demo.load()
    assert await ledger.check() == []
    shops = await Merchant.select().where(Merchant.status == "verified")
    names = {m["name"] for m in shops}
    assert any("陈记" in n for n in names) and any("赵姐" in n for n in names)
    for m in shops:
        if "陈记" in m["name"] or "赵姐" in m["name"]:
            assert await Offer.count().where(Offer.merchant == m["id"]) >= 2
            assert await settlement.redemptions(await sessions.load_principal(m["owner"]),
                                                m["id"])

"""Demo partner merchants: Boss Chen's grocery and Sister Zhao's bakery, with offers and
past redemptions — made through the services like real ones, so the ledger stays clean."""

from __future__ import annotations

from datetime import timedelta

from marketplace import clock
from marketplace.accounts import sessions
from marketplace.ledger import service as ledger
from marketplace.rewards import merchants, offers, service
from marketplace.rewards.tables import RedeemCode

SHOPS = [
    ("merchant", merchants.Application(
        "陈记便民超市", "悦河路 12 号", "7:00–21:00",
        "13800000003", "粮油、日用品"),
     [("大米 5 斤", 40, 20, 2, "month", "groceries"),
      ("食用油 1 升", 60, 10, 1, "month", "groceries"),
      ("洗衣粉", 25, None, None, "month", "other")]),
    ("shop2", merchants.Application(
        "赵姐面包房", "悦河路 30 号", "6:30–19:00",
        "13800000006", "面包、蛋糕"),
     [("早餐面包", 8, None, 1, "day", "food"),
      ("生日蛋糕", 88, 3, 1, "month", "food")]),
]
# (who, shop index, offer index, days ago)
REDEMPTIONS = [("resident", 0, 0, 20), ("volunteer", 1, 1, 6), ("volunteer", 1, 0, 3),
               ("resident", 0, 2, 1)]


async def load(community_id: int, ids: dict[str, int]) -> None:
    staff = await sessions.load_principal(ids["staff"])
    offer_ids: list[list[int]] = []
    merchant_ids: list[int] = []
    for login, application, items in SHOPS:
        owner = await sessions.load_principal(ids[login])
        merchant_id = await merchants.apply(owner, application)
        await merchants.review(staff, merchant_id, True, points_per_yuan=10)
        owner = await merchants.with_merchant_roles(await sessions.load_principal(ids[login]))
        merchant_ids.append(merchant_id)
        offer_ids.append([await offers.create(owner, merchant_id, offers.OfferInput(
            title, price, stock=stock, limit_count=limit, limit_period=period,
            category=category))
            for title, price, stock, limit, period, category in items])
    for who in ("resident", "volunteer"):
        await ledger.award(community_id, ids[who], 100, "activity", "activity:demo-exchange",
                           ids["staff"], "社区议事会",
                           f"demo:exchange:{who}")
    cashiers = [await sessions.load_principal(ids[s[0]]) for s in SHOPS]
    for n, (who, shop, item, days) in enumerate(REDEMPTIONS):
        person = await sessions.load_principal(ids[who])
        code = await service.issue(person, offer_ids[shop][item])
        await service.redeem(cashiers[shop], merchant_ids[shop], code["code"])
        # Demo history: the redemption shows on the statement as days ago.
        past = clock.now() - timedelta(days=days, hours=n)
        await RedeemCode.update({RedeemCode.redeemed_at: past, RedeemCode.created_at: past,
                                 RedeemCode.closed_at: past}).where(RedeemCode.id == code["id"])
    resident = await sessions.load_principal(ids["resident"])
    cancelled = await service.issue(resident, offer_ids[0][2])
    await service.cancel(resident, cancelled["id"])

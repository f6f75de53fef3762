"""Demo: a staff-managed resident without a phone, her neighbour as proxy, and a wish of
hers done and waiting for someone to confirm it for her."""

from __future__ import annotations

from marketplace.accounts import managed, proxies, sessions
from marketplace.accounts.tables import User
from marketplace.ledger import service as ledger
from marketplace.wishes import service as wishes

GRANNY = "孙奶奶"


async def load(community_id: int, ids: dict[str, int]) -> None:
    staff = await sessions.load_principal(ids["staff"])
    helper = await sessions.load_principal(ids["helper"])
    # Next door to Auntie Wang (the demo's resident), who acts for her (亲友代办).
    place = await User.select(User.grid, User.building).where(User.id == ids["resident"]).first()
    granny = ids["granny"] = await managed.create(staff, managed.ManagedAccount(
        GRANNY, community_id, place["grid"], place["building"],
        address="3单元 501"))
    await proxies.add(staff, granny, "resident")
    await ledger.award(community_id, granny, 20, "activity", "activity:demo-1", ids["staff"],
                       "社区清洁日", "demo:award:granny")
    category = (await wishes.categories(community_id))[0]["id"]
    wish_id = await wishes.post_wish(staff, wishes.NewWish(
        category, "换厨房灯管"), granny)
    await wishes.review(staff, wish_id, True)
    await wishes.claim(helper, wish_id)
    await wishes.fulfil(helper, wish_id, "换好了", 30)

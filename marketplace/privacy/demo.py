"""Demo: Auntie Wang's contact seen by the helper on a wish he holds and by staff on her
member page (both recorded), and a privacy question of hers waiting in the staff queue."""

from __future__ import annotations

from marketplace.accounts import sessions
from marketplace.privacy import access, requests
from marketplace.wishes import service as wishes
from marketplace.wishes.tables import WishClaim


async def load(ids: dict[str, int]) -> None:
    helper = await sessions.load_principal(ids["helper"])
    held = await WishClaim.select(WishClaim.wish).where(
        (WishClaim.helper == ids["helper"]) & (WishClaim.active == True)  # noqa: E712
        & (WishClaim.wish.owner == ids["resident"])).order_by(WishClaim.id).first()
    if held:
        await wishes.detail(helper, int(held["wish"]))  # records what the helper is shown
    await access.member(await sessions.load_principal(ids["staff"]), ids["resident"])
    await requests.submit(await sessions.load_principal(ids["resident"]), "question",
                          "我的电话和门牌号，哪些人能看到？")

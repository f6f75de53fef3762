"""Demo privacy data: who runs the demo community's site, the notice agreed by everyone
who signs in (staff-managed accounts agree when the resident takes theirs over), the
honour roll choices (three helpers say yes, one no, and 张小红 has not chosen yet: her
home and Me pages ask her); Auntie Wang's contact seen by the helper on a wish he holds
and by staff on her member page (both recorded), and a privacy question of hers waiting
in the staff queue."""

from __future__ import annotations

from marketplace.accounts import sessions
from marketplace.accounts.tables import User
from marketplace.privacy import access, consents, notice, requests
from marketplace.wishes import service as wishes
from marketplace.wishes.tables import WishClaim

LISTED = ("helper", "helper2", "helper3")
NOT_LISTED = ("helper4",)


async def load(community_id: int, ids: dict[str, int]) -> None:
    staff = await sessions.load_principal(ids["staff"])
    await notice.set_operator(staff, community_id, "悦河社区居民委员会",
                              "0536-8123 4567 · 悦河社区党群服务中心一楼")
    people = await User.select(User.id, User.login).where(
        (User.community == community_id) & (User.managed_by_staff == False))  # noqa: E712
    by_login = {row["login"]: int(row["id"]) for row in people}
    for user_id in by_login.values():
        await consents.agree_to_notice(user_id, community_id)
    for login in (*LISTED, *NOT_LISTED):
        if login in by_login:
            helper = await sessions.load_principal(by_login[login])
            await consents.set_honour_roll(helper, login in LISTED)


async def load_access(ids: dict[str, int]) -> None:
    helper = await sessions.load_principal(ids["helper"])
    held = await WishClaim.select(WishClaim.wish).where(
        (WishClaim.helper == ids["helper"]) & (WishClaim.active == True)  # noqa: E712
        & (WishClaim.wish.owner == ids["resident"])).order_by(WishClaim.id).first()
    if held:
        await wishes.detail(helper, int(held["wish"]))  # records what the helper is shown
    await access.member(await sessions.load_principal(ids["staff"]), ids["resident"])
    await requests.submit(await sessions.load_principal(ids["resident"]), "question",
                          "我的电话和门牌号，哪些人能看到？")

"""Demo wishes in every state of the lifecycle, made through the service like real ones,
so the people involved also find the notifications those steps send."""

from __future__ import annotations

from marketplace.accounts import sessions
from marketplace.wishes import service

CATEGORIES = [("维修", 10), ("代购", 5), ("陪伴", 8),
              ("出行", 12), ("学习用品", 15), ("家务", 8)]


async def load(community_id: int, ids: dict[str, int]) -> None:
    staff = await sessions.load_principal(ids["staff"])
    resident = await sessions.load_principal(ids["resident"])
    helper = await sessions.load_principal(ids["helper"])
    volunteer = await sessions.load_principal(ids["volunteer"])
    cats = [await service.add_category(staff, community_id, name, points)
            for name, points in CATEGORIES]

    async def wish(title: str, category: int, description: str = "") -> int:
        return await service.post_wish(resident, service.NewWish(cats[category], title,
                                                                 description))

    await wish("厨房水龙头漏水", 0, "每晚滴水，睡不好。")
    rejected = await wish("想要一台新电视", 1)
    await service.review(staff, rejected, False, reason="超出微心愿范围")
    for title, cat in [("周三陪我去医院复查", 3),
                       ("给孙子买个书包", 4),
                       ("帮忙买米和油", 1)]:
        await service.review(staff, await wish(title, cat), True)
    claimed = await wish("换楼道灯泡", 0)
    await service.review(staff, claimed, True)
    await service.claim(volunteer, claimed)
    fulfilled = await wish("修理自行车", 0)
    await service.review(staff, fulfilled, True)
    await service.claim(helper, fulfilled)
    await service.fulfil(helper, fulfilled, "换了内胎", 60)
    for title, cat, minutes in [("陪老人聊天", 2, 120),
                                ("修好门锁", 0, 45)]:
        done = await wish(title, cat)
        await service.review(staff, done, True)
        await service.claim(helper, done)
        await service.fulfil(helper, done, "已完成", minutes)
        await service.confirm(resident, done, 5, "谢谢！")
    disputed = await wish("清理阳台", 5)
    await service.review(staff, disputed, True)
    await service.claim(volunteer, disputed)
    await service.fulfil(volunteer, disputed, "清理完毕", 90)
    await service.dispute(resident, disputed, "还有一半没清")
    team = await wish("搬旧家具下楼", 5)
    await service.review(staff, team, True, 12, team_size=2)
    await service.claim(helper, team)
    await service.claim(volunteer, team)
    assigned = await wish("陪同去社保中心", 3)
    await service.review(staff, assigned, True)
    await service.assign(staff, assigned, volunteer.user_id)
    cancelled = await wish("取快递", 1)
    await service.cancel(resident, cancelled, "孩子回来了")

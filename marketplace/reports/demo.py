"""Demo history for the dashboard: six months of wishes, made through the services and
then dated back (demo only), so trends, clocks and the honour roll have something to show.

Ledger rows are only written by the ledger service; its ``backdate`` context variable
gives the awards of a back-dated confirmation the confirmation's time.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from marketplace import clock
from marketplace.accounts import service as accounts
from marketplace.accounts import sessions
from marketplace.accounts.tables import HelperProfile, User
from marketplace.community.tables import Community
from marketplace.ledger import service as ledger
from marketplace.principal import Principal
from marketplace.reports import cards, figures, register, reportback
from marketplace.wishes import service as wishes
from marketplace.wishes import stageclock
from marketplace.wishes.tables import Category, Wish, WishClaim, WishEvent

MONTHS = 6
HELPERS = [  # (login, name, kind, work unit)
    ("helper2", "赵强", "party_member", "潍城区教育局"),
    ("helper3", "孙丽", "party_member", "潍城区税务局"),
    ("helper4", "周杰", "volunteer", ""),
]  # The first demo helpers keep their short, documented statements (tests/ledger).
RESIDENTS = [("resident2", "钱大爷"), ("resident3", "吴奶奶"),
             ("resident4", "郑阿姨")]
TITLES = [  # (title, the start of its category's name in wishes/demo.py)
    ("修水管", "维修"), ("陪同就医", "出行"),
    ("买菜", "代购"), ("换灯泡", "维修"),
    ("买作业本和文具", "学习用品"), ("搬家具", "家务"),
    ("陪老人聊天", "陪伴"), ("修电动车", "维修")]


async def _people(community_id: int, password: str, grid_ids: list[int],
                  staff_id: int) -> tuple[list[Principal], list[Principal]]:
    helpers, residents = [], []
    for i, (login, name, kind, unit) in enumerate(HELPERS):
        uid = await accounts.register(accounts.Registration(
            display_name=name, login=login, password=password, community_id=community_id,
            grid_id=grid_ids[i % len(grid_ids)]))
        await HelperProfile.insert(HelperProfile(
            user=uid, kind=kind, work_unit=unit, status="verified", reviewed_by=staff_id,
            reviewed_at=clock.now()))
        helpers.append(await sessions.load_principal(uid))
    for i, (login, name) in enumerate(RESIDENTS):
        uid = await accounts.register(accounts.Registration(
            display_name=name, login=login, password=password, community_id=community_id,
            grid_id=grid_ids[(i + 1) % len(grid_ids)]))
        residents.append(await sessions.load_principal(uid))
    return helpers, residents


async def _backdate(wish_id: int, times: list[datetime]) -> None:
    await Wish.update({Wish.created_at: times[0], Wish.updated_at: times[-1]}).where(
        Wish.id == wish_id)
    events = await WishEvent.select(WishEvent.id, WishEvent.action).where(
        WishEvent.wish == wish_id).order_by(WishEvent.id)
    for event, moment in zip(events, times, strict=False):
        await WishEvent.update({WishEvent.at: moment}).where(WishEvent.id == event["id"])
        if event["action"] in ("claim", "assign"):
            await WishClaim.update({WishClaim.joined_at: moment}).where(
                WishClaim.wish == wish_id)
    await stageclock.keep(wish_id)  # a confirmed wish's durations follow its new dates


async def _one(rng: random.Random, posted: datetime, staff: Principal, owner: Principal,
               helper: Principal, categories: dict[str, int]) -> None:
    gaps = [rng.uniform(0.5, 30), rng.uniform(1, 96), rng.uniform(2, 72), rng.uniform(1, 60)]
    times = [posted]
    for gap in gaps:
        times.append(times[-1] + timedelta(hours=gap))
    title, kind = rng.choice(TITLES)
    wish_id = await wishes.post_wish(owner, wishes.NewWish(categories[kind], title))
    if rng.random() < 0.08:
        await wishes.review(staff, wish_id, False, reason="请联系社区")
        await _backdate(wish_id, times[:2])
        return
    await wishes.review(staff, wish_id, True)
    await wishes.claim(helper, wish_id)
    await wishes.fulfil(helper, wish_id, "已完成", rng.choice((30, 45, 60, 90, 120)))
    token = ledger.backdate.set(times[4])
    try:
        if rng.random() < 0.1:
            await wishes.confirm(None, wish_id, auto=True)
        else:
            await wishes.confirm(owner, wish_id, rng.choice((4, 5, 5, 5)), "谢谢")
    finally:
        ledger.backdate.reset(token)
    await _backdate(wish_id, times)


async def load(community_id: int, ids: dict[str, int], password: str,
               grid_ids: list[int]) -> None:
    rng = random.Random(2026)
    staff = await sessions.load_principal(ids["staff"])
    helpers, residents = await _people(community_id, password, grid_ids, ids["staff"])
    residents.append(await sessions.load_principal(ids["resident"]))
    # The title decides the category ("买菜" is an errand, never a repair).
    categories = {c["name"].split()[0]: c["id"] for c in await Category.select(
        Category.id, Category.name).where(Category.community == community_id)}
    now = datetime.now(UTC)
    for month in range(MONTHS, 0, -1):
        for _n in range(rng.randint(6, 12) + (MONTHS - month)):
            posted = now - timedelta(days=30 * month - rng.uniform(0, 26))
            await _one(rng, posted, staff, rng.choice(residents), rng.choice(helpers),
                       categories)
        token = ledger.backdate.set(now - timedelta(days=30 * month - 15))
        try:
            for helper in helpers:
                await ledger.award(community_id, helper.user_id, 6, "activity",
                                   f"activity:demo-m{month}", staff.user_id,
                                   "社区志愿服务日",
                                   f"demo:act:{month}:{helper.user_id}")
        finally:
            ledger.backdate.reset(token)


async def report_back(community_id: int, ids: dict[str, int]) -> None:
    """The report back and the certificate register, ready to look at: last quarter's
    cards (one sent to 赵强's work unit, the others still due) and one certificate."""
    staff = await sessions.load_principal(ids["staff"])
    await Community.update({
        Community.formal_name: "悦河社区居民委员会", Community.person_in_charge: "李秀英",
    }).where(Community.id == community_id)
    await Community.update({Community.office_phone: "0536-8123 4567"}).where(
        (Community.id == community_id) & (Community.office_phone == ""))
    last_quarter = cards.quarter_of(clock.today()).previous()
    zhao = await User.select(User.id).where(User.login == "helper2").first()
    await reportback.save(staff, int(zhao["id"]), last_quarter,
                          "服务积极，按时完成心愿，居民评价好。", "")
    await reportback.send(staff, int(zhao["id"]), last_quarter)
    today = clock.today()
    await register.issue(staff, ids["helper"], figures.add_months(today, -6), today,
                         "用于单位年度考核", {"id_type": "resident_id",
                                         "id_number": "3707**********2315",
                                         "volunteer_number": ""})

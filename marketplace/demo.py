"""Demo data for a first look: one community "Yuehe", its grids, one person of each role."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace import clock, db
from marketplace.accounts import service as accounts
from marketplace.accounts.tables import HelperProfile, StaffMembership, User
from marketplace.activities import demo as activities_demo
from marketplace.community.tables import Building, Community, Grid
from marketplace.ledger import service as ledger
from marketplace.proxies import demo as proxies_demo
from marketplace.reports import demo as reports_demo
from marketplace.rewards import demo as rewards_demo
from marketplace.wishes import demo as wishes_demo

DEMO_PASSWORD = "demo-pass-2026"  # printed for the first look; demo data only
DEMO_BUDGET = 100000

# (who, points, kind, reference, memo): the wishes demo adds the awards for confirmed wishes.
DEMO_AWARDS = [
    ("helper", 10, "activity", "activity:demo-1", "社区清洁日 Clean-up day"),
    ("volunteer", 8, "activity", "activity:demo-1", "社区清洁日 Clean-up day"),
]


@dataclass(frozen=True)
class DemoLogin:
    login: str
    name: str
    role: str


LOGINS = [
    DemoLogin("resident", "王阿姨 Auntie Wang", "resident"),
    DemoLogin("helper", "李明 Li Ming", "party-member helper"),
    DemoLogin("volunteer", "张小红 Zhang Xiaohong", "volunteer helper"),
    DemoLogin("merchant", "陈老板 Boss Chen", "merchant"),
    DemoLogin("staff", "刘社工 Liu (community worker)", "staff"),
    DemoLogin("admin", "管理员 Administrator", "administrator"),
    DemoLogin("shop2", "赵姐 Sister Zhao (bakery)", "merchant"),
]


async def is_loaded() -> bool:
    return await User.exists().where(User.login == "admin")


async def load() -> None:
    """Create the demo community and people. Safe to call twice: does nothing the second time."""
    if await is_loaded():
        return
    async with db.transaction():
        rows = await Community.insert(
            Community(name="悦河社区 Yuehe", district="潍城区 Weicheng")
        ).returning(Community.id)
        community_id = int(rows[0]["id"])
        grid_ids: list[int] = []
        for name in ("第一网格 Grid 1", "第二网格 Grid 2", "第三网格 Grid 3"):
            g = await Grid.insert(Grid(community=community_id, name=name)).returning(Grid.id)
            grid_ids.append(int(g[0]["id"]))
        building_ids: list[int] = []
        for index, grid_id in enumerate(grid_ids):
            for n in (1, 2):
                b = await Building.insert(
                    Building(grid=grid_id, name=f"{index * 2 + n}号楼 Building {index * 2 + n}")
                ).returning(Building.id)
                building_ids.append(int(b[0]["id"]))
        ids: dict[str, int] = {}
        for i, person in enumerate(LOGINS):
            ids[person.login] = await accounts.register(
                accounts.Registration(
                    display_name=person.name,
                    login=person.login,
                    password=DEMO_PASSWORD,
                    community_id=community_id,
                    grid_id=grid_ids[i % 3],
                    building_id=building_ids[(i % 3) * 2],
                    phone=f"1380000{i:04d}",
                )
            )
        await User.update({User.address: "3单元 502 (Unit 3, flat 502)"}).where(
            User.id == ids["resident"]
        )
        await User.update({User.is_admin: True}).where(User.id == ids["admin"])
        await StaffMembership.insert(
            StaffMembership(user=ids["staff"], community=community_id, created_by=ids["admin"])
        )
        await HelperProfile.insert(
            HelperProfile(user=ids["helper"], kind="party_member",
                          work_unit="潍城区税务局 District Tax Office",
                          party_branch="第二党支部 Branch 2", status="verified",
                          reviewed_by=ids["staff"], reviewed_at=clock.now()),
            HelperProfile(user=ids["volunteer"], kind="volunteer", status="verified",
                          reviewed_by=ids["staff"], reviewed_at=clock.now()),
        )
        await ledger.set_budget(community_id, DEMO_BUDGET)
        for n, (who, points, kind, reference, memo) in enumerate(DEMO_AWARDS):
            await ledger.award(community_id, ids[who], points, kind, reference, ids["staff"],
                               memo, f"demo:award:{n}")
        await wishes_demo.load(community_id, ids)
        await reports_demo.load(community_id, ids, DEMO_PASSWORD, grid_ids)
        await ledger.donate(ids["helper"], ids["resident"], 5, ids["helper"],
                            "送给王阿姨 A gift for Auntie Wang", "demo:donate:0")
        await rewards_demo.load(community_id, ids)
        await activities_demo.load(community_id, ids)
        await proxies_demo.load(community_id, ids)


def logins_text() -> str:
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
    for person in LOGINS:
        lines.append(f"  {person.login:<10} {person.role:<22} {person.name}")
    return "\n".join(lines)

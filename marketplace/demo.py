"""Demo data for a first look: one community "Yuehe", its grids, one person of each role."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace import clock, db
from marketplace.accounts import service as accounts
from marketplace.accounts import sessions
from marketplace.accounts.tables import HelperProfile, StaffMembership, User
from marketplace.activities import demo as activities_demo
from marketplace.community import demo as areas_demo
from marketplace.community.tables import Building, Community, Grid
from marketplace.ledger import service as ledger
from marketplace.notifications.tables import Notification
from marketplace.privacy import demo as privacy_demo
from marketplace.proxies import demo as proxies_demo
from marketplace.recovery import service as recovery
from marketplace.recovery.tables import ResetCode
from marketplace.reports import demo as reports_demo
from marketplace.rewards import demo as rewards_demo
from marketplace.wishes import demo as wishes_demo
from marketplace.workunits import demo as workunits_demo

DEMO_PASSWORD = "demo-pass-2026"  # printed for the first look; demo data only
DEMO_BUDGET = 100000

# (who, points, kind, reference, memo): the wishes demo adds the awards for confirmed wishes.
DEMO_AWARDS = [
    ("helper", 10, "activity", "activity:demo-1", "社区清洁日"),
    ("volunteer", 8, "activity", "activity:demo-1", "社区清洁日"),
]


@dataclass(frozen=True)
class DemoLogin:
    login: str
    name: str
    role: str


LOGINS = [
    DemoLogin("resident", "王阿姨", "resident"),
    DemoLogin("helper", "李明", "party-member helper"),
    DemoLogin("volunteer", "张小红", "volunteer helper"),
    DemoLogin("merchant", "陈老板", "merchant"),
    DemoLogin("staff", "刘社工", "staff"),
    DemoLogin("admin", "管理员", "administrator"),
    DemoLogin("shop2", "赵姐", "merchant"),
    DemoLogin("unit", "黄科长", "work-unit contact"),
    DemoLogin("street", "孙主任", "street staff"),
    DemoLogin("district", "周部长", "district staff"),
]


async def is_loaded() -> bool:
    return await User.exists().where(User.login == "admin")


async def load() -> None:
    """Create the demo community and people. Safe to call twice: does nothing the second time."""
    if await is_loaded():
        return
    async with db.transaction():
        rows = await Community.insert(
            Community(name="悦河社区", district="潍城区")
        ).returning(Community.id)
        community_id = int(rows[0]["id"])
        grid_ids: list[int] = []
        for name in ("第一网格", "第二网格", "第三网格"):
            g = await Grid.insert(Grid(community=community_id, name=name)).returning(Grid.id)
            grid_ids.append(int(g[0]["id"]))
        building_ids: list[int] = []
        for index, grid_id in enumerate(grid_ids):
            for n in (1, 2):
                b = await Building.insert(
                    Building(grid=grid_id, name=f"{index * 2 + n}号楼")
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
        await User.update({User.address: "3单元 502"}).where(
            User.id == ids["resident"]
        )
        await User.update({User.is_admin: True}).where(User.id == ids["admin"])
        await StaffMembership.insert(
            StaffMembership(user=ids["staff"], community=community_id, created_by=ids["admin"])
        )
        await HelperProfile.insert(
            HelperProfile(user=ids["helper"], kind="party_member",
                          work_unit="潍城区税务局",
                          party_branch="第二党支部", status="verified",
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
        await reports_demo.report_back(community_id, ids)
        await ledger.donate(ids["helper"], ids["resident"], 5, ids["helper"],
                            "送给王阿姨", "demo:donate:0")
        await rewards_demo.load(community_id, ids)
        await activities_demo.load(community_id, ids)
        await proxies_demo.load(community_id, ids)
        await areas_demo.load(community_id, ids)  # before the work units: their district
        await privacy_demo.load(community_id, ids)
        await privacy_demo.load_access(ids)
        await workunits_demo.load(community_id, ids["admin"])
        # A password reset slip to try (Staff → Members → 张小红): valid RESET_CODE_HOURS.
        await recovery.issue(await sessions.load_principal(ids["staff"]), ids["volunteer"])
        await _leave_a_few_unread(list(ids.values()))


async def _leave_a_few_unread(user_ids: list[int], keep: int = 3) -> None:
    """The back-dated history sent each person dozens of notices at once; someone using the
    site would have read all but the latest few (87 unread looked machine-made)."""
    for user_id in user_ids:
        rows = await Notification.select(Notification.id).where(
            (Notification.user == user_id) & Notification.read_at.is_null()
        ).order_by(Notification.id, ascending=False)
        older = [row["id"] for row in rows[keep:]]
        if older:
            await Notification.update({Notification.read_at: clock.now()}).where(
                Notification.id.is_in(older))


async def reset_slip_path() -> str | None:
    """Where staff see the demo's password reset slip, while its code is still valid."""
    person = await User.select(User.id).where(User.login == "volunteer").first()
    if person is None:
        return None
    row = await ResetCode.select(ResetCode.id).where(
        (ResetCode.user == person["id"]) & ResetCode.used_at.is_null()
        & ResetCode.replaced_at.is_null() & (ResetCode.expires_at > clock.now())
    ).first()
    return f"/staff/members/{person['id']}/reset-code/{row['id']}" if row else None


def logins_text() -> str:
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
    for person in LOGINS:
        lines.append(f"  {person.login:<10} {person.role:<22} {person.name}")
    # The helpers with six months of history, whom the README's certificate example uses.
    for login, name, kind, _unit in reports_demo.HELPERS:
        role = "party-member helper" if kind == "party_member" else "volunteer helper"
        lines.append(f"  {login:<10} {role + ' (history)':<22} {name}")
    return "\n".join(lines)

"""Demo streets and district: 潍城区 with two streets; 悦河社区 and a neighbour under the
first street, a third community under the second; a street and a district staff login,
and one wish 悦河社区 could not serve waiting on the street's queue (街道兜底)."""

from __future__ import annotations

from marketplace.accounts import area_staff, sessions
from marketplace.community import areas
from marketplace.community.tables import Community, Grid
from marketplace.wishes import street
from marketplace.wishes.tables import Wish

DISTRICT = ("潍城区", 20)  # name, yearly target hours per on-the-job party member
REASON = "社区志愿者都不会修燃气灶，请街道协调专业人员"
STREETS = {"于河街道": ["福寿社区"], "北关街道": ["东关社区", "西关社区"]}


async def _community(name: str) -> int:
    rows = await Community.insert(Community(name=name, district=DISTRICT[0])).returning(
        Community.id)
    community_id = int(rows[0]["id"])
    await Grid.insert(Grid(community=community_id, name="第一网格"))
    return community_id


async def load(community_id: int, ids: dict[str, int]) -> None:
    """``community_id``: 悦河社区, under the first street with the others listed there."""
    admin = await sessions.load_principal(ids["admin"])
    district_id = await areas.create_district(admin, *DISTRICT)
    for n, (name, others) in enumerate(STREETS.items()):
        street_id = await areas.create_street(admin, district_id, name)
        members = ([community_id] if n == 0 else []) + [await _community(c) for c in others]
        for member in members:
            await areas.place_community(admin, member, street_id)
        if n == 0:
            await area_staff.appoint(admin, ids["street"], street_id=street_id)
    await area_staff.appoint(admin, ids["district"], district_id=district_id)
    staff = await sessions.load_principal(ids["staff"])
    stuck = await Wish.select(Wish.id).where(
        (Wish.community == community_id) & (Wish.status == "open")).order_by(Wish.id).first()
    if stuck is not None:
        await street.escalate(staff, int(stuck["id"]), REASON)

"""A cast of people and wishes in a fresh community, made through the real services.

Used by the browser, crash, multi-process tests and the benchmarks: every role signed in
(session tokens for cookies), wishes in the states the main pages show, some points and a
notification so no page is an empty state only; a shop with an offer, a code in use, a
sold and settled one; an activity; a resident marked in need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from marketplace import clock, db
from marketplace.accounts import area_staff, sessions
from marketplace.accounts.tables import HelperProfile
from marketplace.activities import service as activities
from marketplace.care import service as care
from marketplace.community import areas
from marketplace.community.tables import Building, Community, Grid
from marketplace.ledger import service as ledger
from marketplace.notifications import service as notifications
from marketplace.principal import Principal
from marketplace.reports import register, reportback
from marketplace.reports.cards import CardPeriod
from marketplace.rewards import merchants, offers, settlement
from marketplace.rewards import service as rewards
from marketplace.rewards.tables import RedeemCode
from marketplace.wishes import service as wishes
from tests.conftest import World, unique


async def new_world(name: str | None = None) -> World:
    c = await Community.insert(Community(name=name or unique("Community "))).returning(
        Community.id)
    cid = int(c[0]["id"])
    g = await Grid.insert(Grid(community=cid, name="Grid A")).returning(Grid.id)
    gid = int(g[0]["id"])
    b = await Building.insert(Building(grid=gid, name="Building 1")).returning(Building.id)
    return World(cid, gid, int(b[0]["id"]))


async def new_category(staff: Principal, points: int = 10) -> int:
    return await wishes.add_category(staff, staff.community_id, unique("Errand "), points)


async def open_wish(owner: Principal, staff: Principal, category_id: int,
                    title: str | None = None) -> int:
    """A wish posted by ``owner`` and approved by ``staff``: helpers can claim it."""
    wish_id = await wishes.post_wish(owner, wishes.NewWish(
        category_id=category_id, title=title or unique("Carry rice "),
        description="Two bags of rice up to the fourth floor."))
    await wishes.review(staff, wish_id, True)
    return wish_id


async def session_token(principal: Principal) -> str:
    """A signed-in session, as the login form would create (without paying for a hash)."""
    return await sessions.start_session(principal.user_id, "quality-harness", None)


@dataclass
class Cast:
    world: World
    people: dict[str, Principal]
    tokens: dict[str, str]
    category_id: int
    # Names used in page paths such as "/wishes/{wish_open}".
    ids: dict[str, int] = field(default_factory=dict)


async def build_cast() -> Cast:
    world = await new_world()
    people = {
        "resident": await world.person(name=unique("Resident ")),
        "helper": await world.person(helper=True, name=unique("Helper ")),
        "staff": await world.person(staff=True, name=unique("Staff ")),
        "admin": await world.person(admin=True, name=unique("Admin ")),
    }
    resident, helper, staff = people["resident"], people["helper"], people["staff"]
    category = await new_category(staff)
    pending = await wishes.post_wish(resident, wishes.NewWish(
        category_id=category, title=unique("Fix a tap "), description="The kitchen tap drips."))
    opened = await open_wish(resident, staff, category)
    claimed = await open_wish(resident, staff, category)
    await wishes.claim(helper, claimed)
    done = await open_wish(resident, staff, category)
    await wishes.claim(helper, done)
    await wishes.fulfil(helper, done, "Carried both bags.", 30)
    await wishes.confirm(resident, done, 5, "Thank you!")
    async with db.transaction():
        await notifications.send(resident.user_id, "wish_approved", link=f"/wishes/{opened}",
                                 title="Carry rice")
    await ledger.donate(helper.user_id, resident.user_id, 2, helper.user_id, "A gift",
                        unique("cast:donate:"))
    ids = {"wish_pending": pending, "wish_open": opened, "wish_claimed": claimed,
           "wish_done": done, "resident": resident.user_id, "community": world.community_id}
    people["merchant"], shop_ids = await _shop(world, staff, resident)
    ids.update(shop_ids)
    ids["activity"] = await activities.create(
        staff, world.community_id, "Clean the courtyard", "Building 1 gate",
        datetime.now(UTC) + timedelta(days=2), 5, 20)
    await care.mark_in_need(staff, resident.user_id, "Lives alone, low income",
                            category="alone", consent="self")
    ids.update(await _reportback(world, staff))
    ids.update(await _areas(world, people))
    tokens = {role: await session_token(p) for role, p in people.items()}
    return Cast(world, people, tokens, category, ids)


async def _reportback(world: World, staff: Principal) -> dict[str, int]:
    """A party member with a drafted service card, and a certificate in the register."""
    member = await world.person(helper=True, name=unique("Party member "))
    await HelperProfile.update({HelperProfile.kind: "party_member"}).where(
        HelperProfile.user == member.user_id)
    await reportback.save(staff, member.user_id, CardPeriod(2026, 3), "Kind", "")
    today = clock.today()
    cert = await register.issue(staff, member.user_id, today - timedelta(days=30), today, "",
                                {"id_type": "resident_id", "id_number": "3301**********1234",
                                 "volunteer_number": ""})
    return {"party_member": member.user_id, "certificate": cert}
async def _areas(world: World, people: dict[str, Principal]) -> dict[str, int]:
    """The community under a street of a district, with a street and a district staff
    member (``people["street"]``, ``people["district"]``)."""
    admin = people["admin"]
    district_id = await areas.create_district(admin, unique("District "), 10)
    street_id = await areas.create_street(admin, district_id, unique("Street "))
    await areas.place_community(admin, world.community_id, street_id)
    for role, where in (("street", {"street_id": street_id}),
                        ("district", {"district_id": district_id})):
        person = await world.person(name=unique(f"{role.title()} staff "))
        await area_staff.appoint(admin, person.user_id, **where)
        people[role] = await sessions.load_principal(person.user_id)
    return {"district": district_id, "street": street_id}


async def _shop(world: World, staff: Principal, resident: Principal
                ) -> tuple[Principal, dict[str, int]]:
    """A verified shop with an offer; the resident holds one code and has used one, which
    was sold yesterday and is settled, so the merchant's and staff's pages have lines."""
    owner = await world.person(name=unique("Shopkeeper "))
    merchant_id = await merchants.apply(owner, merchants.Application(
        unique("Corner shop "), "1 River Road", "8:00–20:00", "13800001111", "Rice, oil"))
    await merchants.review(staff, merchant_id, True)
    owner = await merchants.with_merchant_roles(await sessions.load_principal(owner.user_id))
    offer_id = await offers.create(owner, merchant_id, offers.OfferInput(
        "Bag of rice", 5, stock=30, limit_count=None, limit_period="month"))
    await ledger.award(world.community_id, resident.user_id, 40, "award", "cast", None,
                       "Welcome points", unique("cast:award:"))
    used = await rewards.issue(resident, offer_id)
    await rewards.redeem(owner, merchant_id, str(used["code"]))
    yesterday = datetime.now(UTC) - timedelta(days=1)
    await RedeemCode.update({RedeemCode.redeemed_at: yesterday}).where(
        RedeemCode.id == used["id"])
    day = clock.local_date(yesterday)
    settlement_id = await settlement.close_period(staff, merchant_id, day, day)
    held = await rewards.issue(resident, offer_id)
    return owner, {"merchant": merchant_id, "offer": offer_id, "code_redeemed": used["id"],
                   "code_active": held["id"], "settlement": settlement_id}

"""A district with two streets: street A holds two communities, street B one; people
appointed to each level through the real services."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.accounts import area_staff, sessions
from marketplace.community import areas
from marketplace.principal import Principal
from tests.cast import new_world
from tests.conftest import World, unique


@dataclass
class Area:
    district_id: int
    street_a: int
    street_b: int
    one: World  # street A
    two: World  # street A
    other: World  # street B
    admin: Principal
    street_staff: Principal  # of street A
    other_street_staff: Principal  # of street B
    district_staff: Principal
    staff_one: Principal  # community staff of ``one``
    resident: Principal  # of ``one``


async def build_area(target_hours: int = 0) -> Area:
    one, two, other = await new_world(), await new_world(), await new_world()
    admin = await one.person(admin=True)
    district_id = await areas.create_district(admin, unique("District "), target_hours)
    street_a = await areas.create_street(admin, district_id, unique("Street A "))
    street_b = await areas.create_street(admin, district_id, unique("Street B "))
    for world, street in ((one, street_a), (two, street_a), (other, street_b)):
        await areas.place_community(admin, world.community_id, street)

    async def appointed(world: World, **where: int) -> Principal:
        person = await world.person()
        await area_staff.appoint(admin, person.user_id, **where)
        return await sessions.load_principal(person.user_id)

    return Area(
        district_id, street_a, street_b, one, two, other, admin,
        street_staff=await appointed(two, street_id=street_a),
        other_street_staff=await appointed(other, street_id=street_b),
        district_staff=await appointed(other, district_id=district_id),
        staff_one=await one.person(staff=True), resident=await one.person())

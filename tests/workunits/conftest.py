"""A district with a street over the test community, and a work-unit registry in it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from marketplace.accounts import sessions
from marketplace.accounts.tables import AreaStaffMembership, HelperProfile, WorkUnitContact
from marketplace.community.tables import Community, District, Street, WorkUnit
from marketplace.principal import Principal
from tests.conftest import World, unique


@dataclass
class Area:
    world: World
    district_id: int
    street_id: int

    async def unit(self, name: str | None = None, status: str = "active",
                   district_id: int | None = -1) -> int:
        district = self.district_id if district_id == -1 else district_id
        row = await WorkUnit.insert(WorkUnit(name=name or unique("单位 "), district=district,
                                             status=status, party_members=10)
                                    ).returning(WorkUnit.id)
        return int(row[0]["id"])

    async def district_staff(self, district_id: int | None = None) -> Principal:
        person = await self.world.person()
        await AreaStaffMembership.insert(AreaStaffMembership(
            user=person.user_id, district=district_id or self.district_id))
        return await sessions.load_principal(person.user_id)

    async def contact(self, unit_id: int) -> Principal:
        person = await self.world.person()
        await WorkUnitContact.insert(WorkUnitContact(user=person.user_id, work_unit=unit_id))
        return await sessions.load_principal(person.user_id)

    async def member(self, unit_id: int, name: str | None = None) -> Principal:
        """A verified party member of the unit (a helper of the world's community)."""
        person = await self.world.person(name=name)
        await HelperProfile.insert(HelperProfile(
            user=person.user_id, kind="party_member", status="verified",
            work_unit_ref=unit_id, work_unit="x"))
        return await sessions.load_principal(person.user_id)


async def make_district(target_hours: int = 0) -> tuple[int, int]:
    d = await District.insert(District(name=unique("区 "), yearly_target_hours=target_hours)
                              ).returning(District.id)
    district_id = int(d[0]["id"])
    s = await Street.insert(Street(name=unique("街道 "), district=district_id)
                            ).returning(Street.id)
    return district_id, int(s[0]["id"])


@pytest.fixture
async def area(world: World) -> Area:
    district_id, street_id = await make_district(target_hours=20)
    await Community.update({Community.street: street_id}).where(
        Community.id == world.community_id)
    return Area(world, district_id, street_id)

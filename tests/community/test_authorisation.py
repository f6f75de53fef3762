"""The services of accounts, places, the audit log and notifications decide who may act:
staff of another community, residents and non-admin staff are refused, and nothing is
written. (The pages only pass ``request.principal`` on.)"""

from __future__ import annotations

import pytest

from marketplace.accounts import helpers
from marketplace.accounts import service as accounts
from marketplace.accounts.tables import HelperProfile, StaffMembership
from marketplace.audit import service as audit
from marketplace.audit.tables import AuditEvent
from marketplace.community import service as places
from marketplace.community.tables import Building, Community, Grid
from marketplace.errors import Forbidden
from marketplace.notifications import service as notifications
from marketplace.principal import Principal
from tests.conftest import World, unique


async def other_world() -> World:
    c = await Community.insert(Community(name=unique("Far "))).returning(Community.id)
    g = await Grid.insert(Grid(community=c[0]["id"], name="Far grid")).returning(Grid.id)
    b = await Building.insert(Building(grid=g[0]["id"], name="Far 1")).returning(Building.id)
    return World(int(c[0]["id"]), int(g[0]["id"]), int(b[0]["id"]))


async def test_staff_of_another_community_is_refused_everywhere(world: World) -> None:
    member = await world.person()
    outsider: Principal = await (await other_world()).person(staff=True)
    await helpers.apply_as_helper(member, "volunteer", "", "")
    profile = await HelperProfile.select(HelperProfile.id).where(
        HelperProfile.user == member.user_id).first()
    refused = [
        accounts.profile(outsider, member.user_id),
        accounts.staff_of(outsider, world.community_id),
        helpers.pending_helpers(outsider, world.community_id),
        helpers.review_helper(outsider, profile["id"], True, ""),
        places.structure(outsider, world.community_id),
        places.add_grid(outsider, world.community_id, "Sneaky grid"),
        places.add_building(outsider, world.grid_id, "Sneaky block"),
        places.rename(outsider, "grid", world.grid_id, "Hijacked"),
        places.set_archived(outsider, "building", world.building_id, True),
    ]
    for call in refused:
        with pytest.raises(Forbidden):
            await call
    # Only this community's places: other tests (the authorisation matrix) archive and
    # rename places of their own communities in the same database.
    assert not await Grid.exists().where(
        (Grid.community == world.community_id)
        & Grid.name.is_in(["Sneaky grid", "Hijacked"]))
    assert not await Building.exists().where(
        (Building.grid.community == world.community_id)
        & ((Building.name == "Sneaky block") | (Building.archived == True)))  # noqa: E712
    assert (await HelperProfile.select(HelperProfile.status).where(
        HelperProfile.id == profile["id"]).first())["status"] == "pending"


async def test_residents_and_staff_are_not_administrators(world: World) -> None:
    resident, staff = await world.person(), await world.person(staff=True)
    name = unique("New ")
    for actor in (resident, staff):
        with pytest.raises(Forbidden):
            await places.create_community(actor, name)
        with pytest.raises(Forbidden):
            await accounts.grant_staff(actor, resident.login, world.community_id)
    with pytest.raises(Forbidden):
        await places.managed_by(resident)
    with pytest.raises(Forbidden):
        await audit.entries(resident, audit.AuditFilter())
    assert not await Community.exists().where(Community.name == name)
    assert not await StaffMembership.exists().where(StaffMembership.user == resident.user_id)


async def test_a_person_reads_only_their_own_profile_unless_staff(world: World) -> None:
    me, neighbour = await world.person(), await world.person()
    staff, admin = await world.person(staff=True), await world.person(admin=True)
    assert (await accounts.profile(me, me.user_id))["login"] == me.login
    with pytest.raises(Forbidden):
        await accounts.profile(neighbour, me.user_id)
    for reader in (staff, admin):
        assert (await accounts.profile(reader, me.user_id))["id"] == me.user_id


async def test_the_audit_log_shows_staff_only_their_communities(world: World) -> None:
    far = await other_world()
    here, there = await world.person(staff=True), await far.person(staff=True)
    await audit.record(here.user_id, world.community_id, "budget_set", "community",
                       world.community_id, unique("here "))
    await audit.record(there.user_id, far.community_id, "budget_set", "community",
                       far.community_id, unique("there "))
    seen = (await audit.entries(here, audit.AuditFilter(action="budget_set"))).rows
    assert {r["community"] for r in seen} == {world.community_id}


async def test_notifications_are_the_readers_own(world: World) -> None:
    owner, other = await world.person(), await world.person()
    await notifications.send(owner.user_id, "wish_approved", title="Mine")
    assert await notifications.unread_count(other) == 0
    assert (await notifications.recent(other))[0] == []
    assert await notifications.mark_all_read(other) == 0
    assert await notifications.unread_count(owner) == 1


async def test_a_new_community_and_its_audit_line_commit_together(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = await world.person(admin=True)
    name = unique("Riverside ")
    community_id = await places.create_community(admin, name)
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "community_created") & (AuditEvent.target_id == community_id)
        & (AuditEvent.actor == admin.user_id))

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(audit, "record", broken)
    lost = unique("Lakeside ")
    with pytest.raises(RuntimeError):
        await places.create_community(admin, lost)
    assert not await Community.exists().where(Community.name == lost)

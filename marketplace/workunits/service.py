"""The work-unit registry (单位名册) kept by administrators and district staff: list, add,
edit, accept a unit a party member asked for, merge one into another, and appoint the
units' contact people (who then see the work-unit portal, ``portal.py``).

District staff keep their own districts' registry; the registry without district (for
communities under no street) is the administrators'.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from piccolo.query.methods.select import Count

from marketplace import db, textsearch
from marketplace.accounts.tables import HelperProfile, WorkUnitContact
from marketplace.audit import service as audit
from marketplace.community import registry
from marketplace.community.tables import District, WorkUnit
from marketplace.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.workunits import appointing

STATUSES = ("active", "requested")
MEMBERS_MAX = 1_000_000


def can_manage(actor: Principal, district_id: int | None) -> bool:
    """Administrators keep every registry, district staff their own district's."""
    return actor.is_admin or (district_id is not None and district_id in actor.district_ids)


def require_registry(actor: Principal) -> None:
    if not (actor.is_admin or actor.district_ids):
        raise Forbidden(_("This page is for administrators and district staff."))


async def districts(actor: Principal) -> list[dict[str, Any]]:
    """The districts whose registry the actor keeps."""
    require_registry(actor)
    query = District.select(District.id, District.name, District.yearly_target_hours)
    if not actor.is_admin:
        query = query.where(District.id.is_in(sorted(actor.district_ids)))
    return await query.order_by(District.name)


@dataclass(frozen=True)
class UnitFilter:
    district_id: int | None = None
    no_district: bool = False  # the registry without district (administrators)
    text: str = ""
    status: str = ""


async def units(actor: Principal, f: UnitFilter) -> list[dict[str, Any]]:
    """The registry's units the actor keeps, requested ones first, with their members."""
    require_registry(actor)
    query = WorkUnit.select(WorkUnit.all_columns(), WorkUnit.district.name)
    if f.no_district:
        if not actor.is_admin:
            raise Forbidden(_("Only administrators keep the registry without district."))
        query = query.where(WorkUnit.district.is_null())
    elif f.district_id is not None:
        if not can_manage(actor, f.district_id):
            raise Forbidden(_("This registry belongs to another district."))
        query = query.where(WorkUnit.district == f.district_id)
    elif not actor.is_admin:
        query = query.where(WorkUnit.district.is_in(sorted(actor.district_ids)))
    if f.text.strip():
        query = query.where(WorkUnit.name.ilike(textsearch.contains(f.text.strip()[:100])))
    if f.status in STATUSES:
        query = query.where(WorkUnit.status == f.status)
    rows = await query.order_by(WorkUnit.status, ascending=False).order_by(WorkUnit.name)
    counts = await member_counts([int(r["id"]) for r in rows])
    for row in rows:
        row["members"] = counts.get(int(row["id"]), 0)
    return rows


async def member_counts(unit_ids: list[int]) -> dict[int, int]:
    if not unit_ids:
        return {}
    rows = await HelperProfile.select(HelperProfile.work_unit_ref, Count()).where(
        HelperProfile.work_unit_ref.is_in(unit_ids)).group_by(HelperProfile.work_unit_ref)
    return {int(r["work_unit_ref"]): int(r["count"]) for r in rows}


async def unit(actor: Principal, unit_id: int) -> dict[str, Any]:
    """One unit the actor keeps (404 for others: a registry is not public)."""
    row = await WorkUnit.select(WorkUnit.all_columns(), WorkUnit.district.name,
                                WorkUnit.district.yearly_target_hours).where(
        WorkUnit.id == unit_id).first()
    if row is None or not can_manage(actor, row["district"]):
        raise NotFound(_("No such work unit."))
    return row


@dataclass(frozen=True)
class UnitFields:
    name: str
    party_org: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    party_members: int = 0

    def checked(self) -> UnitFields:
        name = " ".join(self.name.split())
        if not name:
            raise DomainError(_("Please give the work unit's name."), "name")
        for value, most, field in ((name, 100, "name"), (self.party_org, 100, "party_org"),
                                   (self.contact_name, 64, "contact_name"),
                                   (self.contact_phone, 32, "contact_phone")):
            if len(value.strip()) > most:
                raise DomainError(_("Please keep this under %(n)s characters.", n=most), field)
        if not 0 <= self.party_members <= MEMBERS_MAX:
            raise DomainError(_("Please give a number from 0 to %(n)s.", n=MEMBERS_MAX),
                              "party_members")
        return UnitFields(name, self.party_org.strip(), self.contact_name.strip(),
                          self.contact_phone.strip(), self.party_members)


async def _unique(district_id: int | None, name: str, unit_id: int | None) -> None:
    same = await registry.by_name(district_id, name)
    if same is not None and int(same["id"]) != unit_id:
        raise Conflict(_("“%(name)s” is already in this registry.", name=same["name"]),
                       "name")


async def add(actor: Principal, district_id: int | None, fields: UnitFields) -> int:
    if not can_manage(actor, district_id):
        raise Forbidden(_("This registry belongs to another district."))
    fields = fields.checked()
    async with db.transaction():
        if district_id is not None:
            await db.lock_row(District, district_id, "NO KEY UPDATE")
        await _unique(district_id, fields.name, None)
        row = await WorkUnit.insert(WorkUnit(
            district=district_id, name=fields.name, party_org=fields.party_org,
            contact_name=fields.contact_name, contact_phone=fields.contact_phone,
            party_members=fields.party_members, status="active")).returning(WorkUnit.id)
        unit_id = int(row[0]["id"])
        await audit.record(actor.user_id, None, "work_unit_added", "work_unit", unit_id,
                           fields.name)
    return unit_id


async def edit(actor: Principal, unit_id: int, fields: UnitFields) -> None:
    """A new name is also written to the members' text work unit (exports, certificates)."""
    fields = fields.checked()
    async with db.transaction():
        await db.lock_row(WorkUnit, unit_id)
        row = await unit(actor, unit_id)
        await _unique(row["district"], fields.name, unit_id)
        await WorkUnit.update({
            WorkUnit.name: fields.name, WorkUnit.party_org: fields.party_org,
            WorkUnit.contact_name: fields.contact_name,
            WorkUnit.contact_phone: fields.contact_phone,
            WorkUnit.party_members: fields.party_members}).where(WorkUnit.id == unit_id)
        if fields.name != row["name"]:
            await HelperProfile.update({HelperProfile.work_unit: fields.name}).where(
                HelperProfile.work_unit_ref == unit_id)
        await audit.record(actor.user_id, None, "work_unit_changed", "work_unit", unit_id,
                           fields.name)


async def accept(actor: Principal, unit_id: int) -> None:
    async with db.transaction():
        await db.lock_row(WorkUnit, unit_id)
        row = await unit(actor, unit_id)
        if row["status"] != "requested":
            raise Conflict(_("This work unit is already in the registry."))
        await WorkUnit.update({WorkUnit.status: "active"}).where(WorkUnit.id == unit_id)
        await audit.record(actor.user_id, None, "work_unit_accepted", "work_unit", unit_id,
                           row["name"])


async def merge(actor: Principal, unit_id: int, into_id: int | None) -> int:
    """Merge a unit (usually one asked for) into another of the same registry: its members
    and contacts move, then it is removed; one transaction. Returns how many moved."""
    if into_id is None:
        raise DomainError(_("Please choose the work unit to merge into."), "into")
    if into_id == unit_id:
        raise DomainError(_("A work unit cannot be merged into itself."), "into")
    async with db.transaction():
        for locked in sorted((unit_id, into_id)):  # one order: two merges cannot deadlock
            await db.lock_row(WorkUnit, locked)
        source = await unit(actor, unit_id)
        target = await WorkUnit.select().where(WorkUnit.id == into_id).first()
        if target is None or target["district"] != source["district"]:
            raise DomainError(_("Please choose a work unit of the same registry."), "into")
        moved = await HelperProfile.count().where(HelperProfile.work_unit_ref == unit_id)
        await HelperProfile.update({HelperProfile.work_unit_ref: into_id,
                                    HelperProfile.work_unit: target["name"]}).where(
            HelperProfile.work_unit_ref == unit_id)
        # A person already the target's contact keeps that one appointment.
        await WorkUnitContact.update({WorkUnitContact.active: False}).where(
            (WorkUnitContact.work_unit == unit_id) & WorkUnitContact.user.is_in(
                WorkUnitContact.select(WorkUnitContact.user).where(
                    (WorkUnitContact.work_unit == into_id)
                    & (WorkUnitContact.active == True))))  # noqa: E712
        await WorkUnitContact.update({WorkUnitContact.work_unit: into_id}).where(
            WorkUnitContact.work_unit == unit_id)
        await WorkUnit.delete().where(WorkUnit.id == unit_id)
        await audit.record(actor.user_id, None, "work_unit_merged", "work_unit", into_id,
                           f"{source['name']} → {target['name']} ({moved})")
    return int(moved)


# --- contacts ------------------------------------------------------------------------


async def contacts(actor: Principal, unit_id: int) -> list[dict[str, Any]]:
    await unit(actor, unit_id)
    return await WorkUnitContact.select(
        WorkUnitContact.id, WorkUnitContact.user, WorkUnitContact.user.display_name,
        WorkUnitContact.user.login, WorkUnitContact.created_at).where(
        (WorkUnitContact.work_unit == unit_id) & (WorkUnitContact.active == True)  # noqa: E712
    ).order_by(WorkUnitContact.created_at)


async def choices(actor: Principal, unit_id: int, text: str) -> list[dict[str, Any]]:
    """The people a search for the unit's contact finds (see ``appointing``)."""
    row = await unit(actor, unit_id)
    return await appointing.search(actor, await appointing.scope(actor, row), text)


async def appoint(actor: Principal, unit_id: int, text: str, chosen: int | None) -> int:
    async with db.transaction():
        row = await unit(actor, unit_id)
        if row["status"] != "active":
            raise Conflict(_("Accept the work unit before appointing its contact."))
        user_id = await appointing.person(actor, await appointing.scope(actor, row), text,
                                          chosen)
        if await WorkUnitContact.exists().where(
                (WorkUnitContact.user == user_id) & (WorkUnitContact.work_unit == unit_id)
                & (WorkUnitContact.active == True)):  # noqa: E712
            raise Conflict(_("This person is already the unit's contact."), "person")
        new = await WorkUnitContact.insert(WorkUnitContact(
            user=user_id, work_unit=unit_id, created_by=actor.user_id)).returning(
            WorkUnitContact.id)
        await audit.record(actor.user_id, None, "work_unit_contact_appointed", "work_unit",
                           unit_id, str(user_id))
    return int(new[0]["id"])


async def end_contact(actor: Principal, contact_id: int) -> int:
    """End an appointment; returns the unit's id."""
    async with db.transaction():
        row = await WorkUnitContact.select(WorkUnitContact.work_unit, WorkUnitContact.user,
                                           WorkUnitContact.active).where(
            WorkUnitContact.id == contact_id).first()
        if row is None:
            raise NotFound(_("No such appointment."))
        unit_id = int(row["work_unit"])
        await unit(actor, unit_id)
        if row["active"]:
            await WorkUnitContact.update({WorkUnitContact.active: False}).where(
                WorkUnitContact.id == contact_id)
            await audit.record(actor.user_id, None, "work_unit_contact_ended", "work_unit",
                               unit_id, str(row["user"]))
    return unit_id

"""Districts and streets: the optional levels above communities (district → street →
community). Administrators create and rename them and put communities under a street;
the reports and the street's escalation queue ask here which communities an area has.
"""

from __future__ import annotations

from typing import Any

from marketplace import db
from marketplace.audit import service as audit
from marketplace.community.tables import Community, District, Street
from marketplace.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.principal import Principal

TARGET_HOURS_MAX = 1000  # a year's service hours a district may ask of a party member


def _require_admin(actor: Principal) -> None:
    if not actor.is_admin:
        raise Forbidden(_("Only administrators manage streets and districts."))


def _clean_name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise DomainError(_("Please enter a name (up to 100 characters)."), "name")
    return name


async def districts() -> list[dict[str, Any]]:
    return await District.select().order_by(District.name)


async def streets(district_id: int | None = None) -> list[dict[str, Any]]:
    query = Street.select(Street.all_columns(), Street.district.name).order_by(Street.name)
    if district_id is not None:
        query = query.where(Street.district == district_id)
    return await query


async def district(district_id: int) -> dict[str, Any]:
    row = None
    if 0 < district_id <= db.MAX_ID:
        row = await District.select().where(District.id == district_id).first()
    if row is None:
        raise NotFound(_("No such district."))
    return row


async def street(street_id: int) -> dict[str, Any]:
    row = None
    if 0 < street_id <= db.MAX_ID:
        row = await Street.select(Street.all_columns(), Street.district.name).where(
            Street.id == street_id).first()
    if row is None:
        raise NotFound(_("No such street."))
    return row


async def communities_of_street(street_id: int) -> list[dict[str, Any]]:
    """The street's active communities by name."""
    return await Community.select(Community.id, Community.name, Community.street).where(
        (Community.street == street_id) & (Community.archived == False)  # noqa: E712
    ).order_by(Community.name)


async def communities_of_district(district_id: int) -> list[dict[str, Any]]:
    """The district's active communities (those under one of its streets) by name."""
    return await Community.select(Community.id, Community.name, Community.street).where(
        (Community.street.district == district_id)
        & (Community.archived == False)  # noqa: E712
    ).order_by(Community.name)


async def street_of(community_id: int) -> int | None:
    row = await Community.select(Community.street).where(Community.id == community_id).first()
    return None if row is None or row["street"] is None else int(row["street"])


async def district_of_community(community_id: int) -> int | None:
    row = await Community.select(Community.street.district).where(
        Community.id == community_id).first()
    value = None if row is None else row["street.district"]
    return None if value is None else int(value)


async def _refuse_duplicate(table: type[District] | type[Street], name: str,
                            except_id: int | None, district_id: int | None = None) -> None:
    query = table.select(table.id, table.name)
    if table is Street:
        query = query.where(Street.district == district_id)
    wanted = name.casefold()
    if any(r["name"].strip().casefold() == wanted and r["id"] != except_id
           for r in await query):
        raise Conflict(_("That name is taken already."), "name")


async def create_district(actor: Principal, name: str, target_hours: int = 0) -> int:
    _require_admin(actor)
    name = _clean_name(name)
    _check_target(target_hours)
    async with db.transaction():
        await _refuse_duplicate(District, name, None)
        rows = await District.insert(District(name=name, yearly_target_hours=target_hours)
                                     ).returning(District.id)
        district_id = int(rows[0]["id"])
        await audit.record(actor.user_id, None, "district_created", "district", district_id,
                           name)
    return district_id


def _check_target(hours: int) -> None:
    if not 0 <= hours <= TARGET_HOURS_MAX:
        raise DomainError(_("The yearly target must be between 0 and %(n)s hours.",
                            n=TARGET_HOURS_MAX), "target_hours")


async def update_district(actor: Principal, district_id: int, name: str,
                          target_hours: int) -> None:
    _require_admin(actor)
    await district(district_id)
    name = _clean_name(name)
    _check_target(target_hours)
    async with db.transaction():
        await _refuse_duplicate(District, name, district_id)
        await District.update({District.name: name,
                               District.yearly_target_hours: target_hours}).where(
            District.id == district_id)
        await audit.record(actor.user_id, None, "district_changed", "district", district_id,
                           f"{name}; {target_hours} h")


async def create_street(actor: Principal, district_id: int, name: str) -> int:
    _require_admin(actor)
    await district(district_id)
    name = _clean_name(name)
    async with db.transaction():
        await _refuse_duplicate(Street, name, None, district_id)
        rows = await Street.insert(Street(district=district_id, name=name)
                                   ).returning(Street.id)
        street_id = int(rows[0]["id"])
        await audit.record(actor.user_id, None, "street_created", "street", street_id, name)
    return street_id


async def rename_street(actor: Principal, street_id: int, name: str) -> None:
    _require_admin(actor)
    row = await street(street_id)
    name = _clean_name(name)
    async with db.transaction():
        await _refuse_duplicate(Street, name, street_id, int(row["district"]))
        await Street.update({Street.name: name}).where(Street.id == street_id)
        await audit.record(actor.user_id, None, "street_renamed", "street", street_id, name)


async def place_community(actor: Principal, community_id: int, street_id: int | None) -> None:
    """Put a community under a street (None: under none)."""
    _require_admin(actor)
    if not 0 < community_id <= db.MAX_ID or not await Community.exists().where(
            Community.id == community_id):
        raise NotFound(_("No such community."))
    if street_id is not None:
        await street(street_id)
    async with db.transaction():
        await Community.update({Community.street: street_id}).where(
            Community.id == community_id)
        await audit.record(actor.user_id, community_id, "community_street_set", "street",
                           street_id or 0)

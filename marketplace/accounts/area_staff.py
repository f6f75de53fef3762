"""Street (街道) and district staff: administrators appoint them and end appointments.

An appointment names exactly one street or one district (``AreaStaffMembership``); who
holds which is read into the Principal with the other roles (``sessions``)."""

from __future__ import annotations

from typing import Any

from marketplace import db
from marketplace.accounts.tables import AreaStaffMembership, User
from marketplace.audit import service as audit_log
from marketplace.errors import Conflict, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.principal import Principal


def _require_admin(actor: Principal) -> None:
    if not actor.is_admin:
        raise Forbidden(_("Only administrators appoint street and district staff."))


async def appoint(actor: Principal, user_id: int, *, street_id: int | None = None,
                  district_id: int | None = None) -> int:
    """Appoint ``user_id`` to one street or one district (exactly one of the two)."""
    _require_admin(actor)
    if (street_id is None) == (district_id is None):
        raise ValueError("exactly one of street_id and district_id")
    if not await User.exists().where(User.id == user_id):
        raise NotFound(_("No such person."), "person")
    where = (AreaStaffMembership.user == user_id) & (AreaStaffMembership.active == True)  # noqa: E712
    where &= (AreaStaffMembership.street == street_id) if street_id is not None else (
        AreaStaffMembership.district == district_id)
    async with db.transaction():
        if await AreaStaffMembership.exists().where(where):
            raise Conflict(_("That person is already staff here."), "person")
        rows = await AreaStaffMembership.insert(AreaStaffMembership(
            user=user_id, street=street_id, district=district_id, created_by=actor.user_id,
        )).returning(AreaStaffMembership.id)
        kind, area = ("street", street_id) if street_id is not None else (
            "district", district_id)
        await audit_log.record(actor.user_id, None, "area_staff_granted", "user", user_id,
                               f"{kind} {area}")
    return int(rows[0]["id"])


async def end(actor: Principal, membership_id: int) -> dict[str, Any]:
    """End an appointment; returns it (the page goes back to its street or district)."""
    _require_admin(actor)
    row = None
    if 0 < membership_id <= db.MAX_ID:
        row = await AreaStaffMembership.select().where(
            AreaStaffMembership.id == membership_id).first()
    if row is None:
        raise NotFound(_("No such staff membership."))
    async with db.transaction():
        await AreaStaffMembership.update({AreaStaffMembership.active: False}).where(
            AreaStaffMembership.id == membership_id)
        await audit_log.record(actor.user_id, None, "area_staff_revoked", "user", row["user"],
                               f"street {row['street']}" if row["street"] else
                               f"district {row['district']}")
    return row


async def staff(actor: Principal, *, street_id: int | None = None,
                district_id: int | None = None) -> list[dict[str, Any]]:
    """Active appointments of a street or a district, for the administrators' page."""
    _require_admin(actor)
    where = AreaStaffMembership.active == True  # noqa: E712
    where &= (AreaStaffMembership.street == street_id) if street_id is not None else (
        AreaStaffMembership.district == district_id)
    return await AreaStaffMembership.select(
        AreaStaffMembership.id, AreaStaffMembership.user,
        AreaStaffMembership.user.display_name, AreaStaffMembership.user.login,
    ).where(where).order_by(AreaStaffMembership.id)

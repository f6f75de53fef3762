"""Helpers (双报到): a party member or volunteer applies, staff of their community verify
or decline, a verified helper corrects their work unit and party branch. A party member's
work unit comes from the district's registry (``community.registry``)."""

from __future__ import annotations

from typing import Any

from marketplace import clock, db
from marketplace.accounts.tables import HelperProfile
from marketplace.audit import service as audit_log
from marketplace.community import registry
from marketplace.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.notifications import service as notifications
from marketplace.principal import Principal

HELPER_KINDS = ("party_member", "volunteer")



async def apply_as_helper(
    actor: Principal, kind: str, work_unit: str, party_branch: str,
    work_unit_id: int | None = None, ask_for_unit: bool = False,
) -> None:
    """A party member's work unit comes from the district's registry (picked, matched by
    name, or asked for: a ``requested`` unit staff accept or merge); the text keeps the
    registry's name for older readers (exports, certificates). A volunteer's is as typed."""
    user_id = actor.user_id
    if kind not in HELPER_KINDS:
        raise DomainError(_("Please choose party member or volunteer."), "kind")
    work_unit, party_branch = work_unit.strip(), party_branch.strip()
    for field, value in (("work_unit", work_unit), ("party_branch", party_branch)):
        if len(value) > 100:
            raise DomainError(_("Please keep names under 100 characters."), field)
    async with db.transaction():
        unit_ref = None
        if kind == "party_member":
            unit = await registry.resolve(actor.community_id, work_unit, work_unit_id,
                                          ask_for_unit)
            unit_ref, work_unit = int(unit["id"]), unit["name"]
        existing = await HelperProfile.select(HelperProfile.status).where(
            HelperProfile.user == user_id
        ).first()
        if existing and existing["status"] == "verified":
            raise Conflict(_("You are already a verified helper."))
        values = {
            HelperProfile.kind: kind,
            HelperProfile.work_unit: work_unit,
            HelperProfile.work_unit_ref: unit_ref,
            HelperProfile.party_branch: party_branch,
            HelperProfile.status: "pending",
            HelperProfile.review_note: "",
        }
        if existing:
            await HelperProfile.update(values).where(HelperProfile.user == user_id)
        else:
            await HelperProfile.insert(
                HelperProfile(
                    user=user_id, kind=kind, work_unit=work_unit, party_branch=party_branch,
                    work_unit_ref=unit_ref,
                )
            )


def _check_helper(kind: str, work_unit: str, party_branch: str) -> None:
    if kind == "party_member" and not work_unit:
        raise DomainError(_("Party members register their work unit (双报到)."), "work_unit")
    for field, value in (("work_unit", work_unit), ("party_branch", party_branch)):
        if len(value) > 100:
            raise DomainError(_("Please keep names under 100 characters."), field)


async def correct_helper_details(actor: Principal, work_unit: str, party_branch: str) -> None:
    """A verified helper corrects their work unit and party branch (PIPL Art. 46) without
    applying again; the audit line lets staff see what their verification was about."""
    work_unit, party_branch = work_unit.strip(), party_branch.strip()
    async with db.transaction():
        row = await HelperProfile.select().where(
            (HelperProfile.user == actor.user_id) & (HelperProfile.status == "verified")
        ).first()
        if row is None:
            raise NotFound(_("Only verified helpers have these details to correct."))
        _check_helper(row["kind"], work_unit, party_branch)
        unit_ref = row["work_unit_ref"]
        if row["kind"] == "party_member":  # the registry's unit, named exactly (双报到)
            unit = await registry.resolve(actor.community_id, work_unit, None, False)
            unit_ref, work_unit = int(unit["id"]), unit["name"]
        if (row["work_unit"], row["party_branch"]) == (work_unit, party_branch):
            return
        await HelperProfile.update({HelperProfile.work_unit: work_unit,
                                    HelperProfile.work_unit_ref: unit_ref,
                                    HelperProfile.party_branch: party_branch}).where(
            HelperProfile.id == row["id"])
        await audit_log.record(
            actor.user_id, actor.community_id, "helper_details_corrected", "helper_profile",
            int(row["id"]), f"work unit: {row['work_unit'] or '-'} → {work_unit or '-'}; "
            f"party branch: {row['party_branch'] or '-'} → {party_branch or '-'}")


async def pending_helpers(actor: Principal, community_id: int) -> list[dict[str, Any]]:
    if not actor.can_staff(community_id):
        raise Forbidden(_("Only staff of this community can see its queue."))
    return await HelperProfile.select(
        HelperProfile.all_columns(),
        HelperProfile.user.display_name,
        HelperProfile.user.login,
        HelperProfile.user.grid.name,
    ).where(
        (HelperProfile.status == "pending") & (HelperProfile.user.community == community_id)
    ).order_by(HelperProfile.created_at)


async def review_helper(actor: Principal, profile_id: int, approve: bool, note: str) -> None:
    note = note.strip()
    if not approve and not note:
        raise DomainError(_("Please give the reason for declining."), "note")
    async with db.transaction():
        row = await HelperProfile.select(
            HelperProfile.id, HelperProfile.status, HelperProfile.user,
            HelperProfile.user.community
        ).where(HelperProfile.id == profile_id).first()
        if row is None:
            raise NotFound(_("That application no longer exists."))
        community_id = int(row["user.community"])
        if not actor.can_staff(community_id):
            raise Forbidden(_("Only staff of this community can review its helpers."))
        if row["status"] != "pending":
            raise Conflict(_("This application has already been reviewed."))
        status = "verified" if approve else "declined"
        await HelperProfile.update(
            {
                HelperProfile.status: status,
                HelperProfile.review_note: note[:300],
                HelperProfile.reviewed_by: actor.user_id,
                HelperProfile.reviewed_at: clock.now(),
            }
        ).where(HelperProfile.id == profile_id)
        await audit_log.record(actor.user_id, community_id, f"helper_{status}",
                               "helper_profile", profile_id, note)
        await notifications.send(int(row["user"]), f"helper_{status}", link="/me",
                                 reason=note)

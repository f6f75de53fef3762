"""Consents (PIPL Art. 14-16, 25, 28-30): the privacy notice agreed at registration and at
each new version, the opt-in to the public honour roll, and the separate consent to being
listed as in need. Every choice is a row of ``privacy_consent``; nothing is deleted.

The functions that take a ``user_id`` instead of a Principal are called by services that
have authorised the step already (registration, the care service)."""

from __future__ import annotations

from typing import Any

from marketplace import clock, db
from marketplace.accounts.tables import HelperProfile, User
from marketplace.errors import DomainError, NotFound
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.privacy.notice import VERSION
from marketplace.privacy.tables import Consent

NOTICE = "notice"
HONOUR_ROLL = "honour_roll"
IN_NEED = "in_need"
GIVEN_BY = ("self", "proxy")

# The notice version the person last agreed to, read with the session on every request
# (web/identity: one query for all of "who is asking").
NOTICE_VERSION_SQL = (
    "SELECT c.version FROM privacy_consent c WHERE c.\"user\" = u.id AND c.kind = 'notice' "
    "ORDER BY c.id DESC LIMIT 1")


def notice_outdated(agreed_version: str | None) -> bool:
    """True when the person must read and agree to the current notice first."""
    return agreed_version != VERSION


async def record(user_id: int, community_id: int, kind: str, *, recorded_by: int,
                 recorded_as: str = "self", agreed: bool = True, purpose: str = "",
                 given_by: str = "self") -> int:
    rows = await Consent.insert(Consent(
        user=user_id, community=community_id, kind=kind, version=VERSION, agreed=agreed,
        purpose=purpose[:400], given_by=given_by, recorded_by=recorded_by,
        recorded_as=recorded_as)).returning(Consent.id)
    return int(rows[0]["id"])


async def withdraw(user_id: int, kind: str, by: int) -> bool:
    """Stamp the person's standing consents of ``kind`` withdrawn; False if none stood."""
    rows = await Consent.update({Consent.withdrawn_at: clock.now(), Consent.withdrawn_by: by}
                                ).where((Consent.user == user_id) & (Consent.kind == kind)
                                        & (Consent.withdrawn_at.is_null())
                                        ).returning(Consent.id)
    return bool(rows)


async def latest(user_id: int, kind: str) -> dict[str, Any] | None:
    return await Consent.select().where(
        (Consent.user == user_id) & (Consent.kind == kind)).order_by(
            Consent.id, ascending=False).first()


async def standing(user_id: int, kind: str) -> dict[str, Any] | None:
    """The person's consent of ``kind`` that holds now (agreed, not withdrawn), or None."""
    row = await latest(user_id, kind)
    if row is None or not row["agreed"] or row["withdrawn_at"] is not None:
        return None
    return row


async def standing_among(user_ids: list[int], kind: str) -> set[int]:
    """Which of these people have a standing consent of ``kind`` (not withdrawn)."""
    if not user_ids:
        return set()
    rows = await Consent.select(Consent.user).where(
        Consent.user.is_in(user_ids) & (Consent.kind == kind) & (Consent.agreed == True)  # noqa: E712
        & Consent.withdrawn_at.is_null())
    return {int(r["user"]) for r in rows}


# --- the privacy notice -----------------------------------------------------------------


async def agree_to_notice(user_id: int, community_id: int) -> None:
    """The person agreed to the current notice (at registration, or when asked again)."""
    await record(user_id, community_id, NOTICE, recorded_by=user_id)


async def accept_notice(actor: Principal) -> None:
    async with db.transaction():
        row = await latest(actor.user_id, NOTICE)
        if row is not None and row["version"] == VERSION:
            return  # the same page sent twice: one record
        await agree_to_notice(actor.user_id, actor.community_id)


# --- the public honour roll (opt-in) ----------------------------------------------------


async def honour_roll_choice(user_id: int) -> bool | None:
    """True (listed), False (said no) or None (not asked yet)."""
    row = await latest(user_id, HONOUR_ROLL)
    if row is None:
        return None
    return bool(row["agreed"]) and row["withdrawn_at"] is None


async def set_honour_roll(actor: Principal, listed: bool) -> None:
    """The helper's own yes or no; each choice is recorded, a "no" withdraws a "yes"."""
    async with db.transaction():
        helper = await HelperProfile.select(HelperProfile.id).where(
            HelperProfile.user == actor.user_id).first()
        if helper is None:
            raise DomainError(_("Only helpers are shown on the honour roll."), "listed")
        await HelperProfile.update({HelperProfile.listed_on_honour_roll: listed}).where(
            HelperProfile.user == actor.user_id)
        await withdraw(actor.user_id, HONOUR_ROLL, actor.user_id)
        await record(actor.user_id, actor.community_id, HONOUR_ROLL, agreed=listed,
                     recorded_by=actor.user_id)


# --- what the person sees on Me -----------------------------------------------------------


async def me_summary(actor: Principal) -> dict[str, Any]:
    """The consents section of Me: the notice agreed, the honour roll choice (None: not
    asked yet), and a standing in-need consent with its purpose."""
    return {"notice": await latest(actor.user_id, NOTICE), "notice_version": VERSION,
            "honour_roll": await honour_roll_choice(actor.user_id),
            "in_need": await standing(actor.user_id, IN_NEED)}



async def community_of(user_id: int) -> int:
    row = await User.select(User.community).where(User.id == user_id).first()
    if row is None:
        raise NotFound(_("No such person."))
    return int(row["community"])


async def erase_person(user_id: int, removed: str) -> None:
    """Closing an account: the record of each choice stays (what was agreed, when), its
    words — an in-need reason is among them — go."""
    await Consent.update({Consent.purpose: removed}).where(
        (Consent.user == user_id) & (Consent.purpose != ""))

"""Closing an account (注销, PIPL Art. 47): the accounts' part, called by
``mydata.closure`` inside its one transaction.

``end_access`` takes every way in and every power away; ``anonymise`` then erases the
person's own fields. The row itself stays, under a placeholder name: wishes, history, the
ledger and the audit log point to it, and the reports count them.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from typing import Any

from marketplace import clock
from marketplace.accounts.tables import (
    ActivationCode,
    AreaStaffMembership,
    HelperProfile,
    LoginAttempt,
    ProxyLink,
    Session,
    StaffMembership,
    User,
    WorkUnitContact,
)
from marketplace.errors import Conflict, NotFound
from marketplace.i18n import _

# Logins never contain "~" (``service.LOGIN_RE``): a placeholder cannot clash with a real
# login, and the closed person's login is free to be registered again at once.
PLACEHOLDER_PREFIX = "~closed"


def placeholder_login(user_id: int) -> str:
    """Unguessable, so nobody can aim a sign-in at the closed account."""
    return f"{PLACEHOLDER_PREFIX}{user_id}.{secrets.token_hex(12)}"


async def person(user_id: int) -> dict[str, Any]:
    """The account about to be closed: what its erasure has to look for elsewhere."""
    row = await User.select(
        User.id, User.login, User.display_name, User.phone, User.address, User.community,
        User.managed_by_staff, User.is_active, User.password_hash,
    ).where(User.id == user_id).first()
    if row is None:
        raise NotFound(_("No such person."))
    if not row["is_active"]:
        raise Conflict(_("This account is already closed."))
    row["helper"] = await HelperProfile.select(
        HelperProfile.work_unit, HelperProfile.party_branch).where(
            HelperProfile.user == user_id).first()
    return row


async def closed_among(user_ids: Collection[int]) -> set[int]:
    """Those of ``user_ids`` whose account is closed. A closed account takes no more points
    or messages: what it had was settled when it closed, and nobody can use it any more
    (a wish it fulfilled, confirmed later, pays the other helpers only)."""
    if not user_ids:
        return set()
    rows = await User.select(User.id).where(
        User.id.is_in(list(user_ids)) & (User.is_active == False))  # noqa: E712
    return {int(row["id"]) for row in rows}


async def end_access(user_id: int, actor_id: int) -> None:
    """Signed out everywhere, no proxy links either way, no staff role, no code that
    could open the account again."""
    moment = clock.now()
    await User.update({User.is_active: False}).where(User.id == user_id)
    await Session.delete().where(Session.user == user_id)
    await ProxyLink.update({
        ProxyLink.active: False, ProxyLink.revoked_by: actor_id, ProxyLink.revoked_at: moment,
    }).where(((ProxyLink.resident == user_id) | (ProxyLink.proxy == user_id))
             & (ProxyLink.active == True))  # noqa: E712
    await StaffMembership.update({StaffMembership.active: False}).where(
        (StaffMembership.user == user_id) & (StaffMembership.active == True))  # noqa: E712
    await AreaStaffMembership.update({AreaStaffMembership.active: False}).where(
        (AreaStaffMembership.user == user_id)
        & (AreaStaffMembership.active == True))  # noqa: E712
    await WorkUnitContact.update({WorkUnitContact.active: False}).where(
        (WorkUnitContact.user == user_id) & (WorkUnitContact.active == True))  # noqa: E712
    await ActivationCode.update({ActivationCode.used_at: moment}).where(
        (ActivationCode.user == user_id) & ActivationCode.used_at.is_null())


async def anonymise(user_id: int, login: str, name: str) -> None:
    """The person's own fields erased: a placeholder name and login, a password that no
    password matches, no phone, address (unit/room), building, language or helper details.
    The grid stays: it is 200–300 households, and the grid reports count by it.
    ``login``: the old one, whose sign-in counts are forgotten too."""
    await User.update({
        User.display_name: name, User.login: placeholder_login(user_id),
        # Not an argon2 hash: verification fails for every password (InvalidHashError).
        User.password_hash: "!closed", User.phone: "", User.address: "",
        User.building: None, User.language: "", User.elder_mode: None,
        User.is_admin: False, User.managed_by_staff: False, User.last_login_at: None,
    }).where(User.id == user_id)
    await HelperProfile.update({
        HelperProfile.work_unit: "", HelperProfile.party_branch: "",
        HelperProfile.review_note: "", HelperProfile.listed_on_honour_roll: False,
    }).where(HelperProfile.user == user_id)
    await LoginAttempt.delete().where(LoginAttempt.key == f"login:{login}"[:120])

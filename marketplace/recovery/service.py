"""Account recovery without SMS: staff of a member's community (or an administrator) issue
a one-time reset code, the member uses it to set a new password.

A code is short-lived (``RESET_CODE_HOURS``, 24 by default), works once, and replaces any
earlier code of the same person. It is HMAC-SHA256(SECRET_KEY, a random salt) written in
an unambiguous alphabet (16 characters, about 79 bits): the table keeps the salt and the
code's sha256, so the staff slip can be shown again while the code is valid, yet neither a
copy of the table nor the secret key alone gives a code away. Typing codes is throttled
per address (``throttle.RESET``), never per person, so nobody can slow down someone
else's reset; a refused try does not even look the code up.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from marketplace import clock, db, settings
from marketplace.accounts import passwords, strength, throttle
from marketplace.accounts.sessions import end_other_sessions
from marketplace.accounts.tables import LoginAttempt, StaffMembership, User
from marketplace.audit import service as audit
from marketplace.community.tables import Community
from marketplace.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.recovery.tables import ResetCode

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed by hand
LENGTH = 16
GROUP = 4


def _code_for(salt: str) -> str:
    mac = hmac.new(settings.get().secret_key.encode(), f"password-reset|{salt}".encode(),
                   hashlib.sha256).digest()
    number = int.from_bytes(mac, "big")
    chars = []
    for _i in range(LENGTH):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def normalise(raw: str) -> str:
    """What a person typed, as the code it means: case, spaces and dashes do not matter."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())[:64]


def display(code: str) -> str:
    """The code in groups of four, as printed on the slip."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


# --- issuing ----------------------------------------------------------------------------


async def _target(user_id: int) -> dict[str, Any]:
    row = await User.select(User.id, User.login, User.display_name, User.community,
                            User.is_admin, User.is_active).where(User.id == user_id).first()
    if row is None:
        raise NotFound(_("No such person."))
    return row


async def _may_issue(actor: Principal | None, target: dict[str, Any]) -> None:
    """Staff of the person's community, administrators, and the command line (None). A
    code for an administrator or a staff member only from an administrator: a staff member
    must not take over an account with more rights than a resident's."""
    if actor is None or actor.is_admin:
        return
    if not actor.can_staff(int(target["community"])):
        raise Forbidden(_("Only staff of this person's community can issue a reset code."))
    is_staff = await StaffMembership.exists().where(
        (StaffMembership.user == target["id"]) & (StaffMembership.active == True))  # noqa: E712
    if (target["is_admin"] or is_staff) and target["id"] != actor.user_id:
        raise Forbidden(_("Only an administrator can issue a reset code for staff or "
                          "administrators."))


async def person(actor: Principal, user_id: int) -> dict[str, Any]:
    """The member a reset code would be for, as the staff page shows them."""
    target = await _target(user_id)
    await _may_issue(actor, target)
    return target


async def issue(actor: Principal | None, user_id: int) -> int:
    """A new reset code for ``user_id`` (any earlier one stops working); its id."""
    target = await _target(user_id)
    await _may_issue(actor, target)
    if not target["is_active"]:
        raise Conflict(_("This account is closed; a reset code would not open it."))
    moment = clock.now()
    salt = secrets.token_urlsafe(24)
    hours = settings.get().reset_code_hours
    actor_id = actor.user_id if actor else None
    async with db.transaction():
        await ResetCode.update({ResetCode.replaced_at: moment}).where(
            (ResetCode.user == user_id) & ResetCode.used_at.is_null()
            & ResetCode.replaced_at.is_null())
        rows = await ResetCode.insert(ResetCode(
            user=user_id, code_hash=_hash(_code_for(salt)), salt=salt, issued_by=actor_id,
            expires_at=moment + timedelta(hours=hours))).returning(ResetCode.id)
        reset_id = int(rows[0]["id"])
        await audit.record(actor_id, int(target["community"]), "reset_code_issued", "user",
                           user_id, f"code {reset_id}, valid {hours} h")
    return reset_id


@dataclass(frozen=True)
class Slip:
    """A reset code as the staff page shows it; ``code`` is empty once it no longer works."""

    id: int
    user_id: int
    login: str
    display_name: str
    expires_at: datetime
    state: str  # valid | used | replaced | expired
    code: str


def _state(row: dict[str, Any], moment: datetime) -> str:
    if row["used_at"] is not None:
        return "used"
    if row["replaced_at"] is not None:
        return "replaced"
    return "valid" if clock.aware(row["expires_at"]) > moment else "expired"


async def slip(actor: Principal | None, user_id: int, reset_id: int) -> Slip:
    row = await ResetCode.select(
        ResetCode.all_columns(), ResetCode.user.login, ResetCode.user.display_name,
    ).where((ResetCode.id == reset_id) & (ResetCode.user == user_id)).first()
    if row is None:
        raise NotFound(_("No such reset code."))
    await _may_issue(actor, await _target(user_id))
    state = _state(row, clock.now())
    return Slip(int(row["id"]), user_id, row["user.login"], row["user.display_name"],
                clock.aware(row["expires_at"]), state,
                _code_for(row["salt"]) if state == "valid" else "")


# --- using a code -------------------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    """The person a valid code is for (shown on the new-password page)."""

    reset_id: int
    user_id: int
    login: str
    display_name: str
    phone: str


async def _claim_try(client_ip: str) -> list[int]:
    try:
        ids, _counts = await throttle.claim({throttle.key("reset", client_ip): throttle.RESET})
    except throttle.Throttled as exc:
        raise throttle.Throttled(exc.wait_seconds, _(
            "Too many wrong codes from your network. Please wait %(wait)s and try again.",
            wait=throttle.wait_text(exc.wait_seconds)), "code") from None
    return ids


async def check(raw_code: str, client_ip: str) -> Holder:
    """The holder of a valid code, or DomainError (on ``code``). Every try counts against
    the address until it turns out right."""
    ids = await _claim_try(client_ip)
    code = normalise(raw_code)
    row = await ResetCode.select(
        ResetCode.id, ResetCode.used_at, ResetCode.replaced_at, ResetCode.expires_at,
        ResetCode.user, ResetCode.user.login, ResetCode.user.display_name,
        ResetCode.user.phone, ResetCode.user.is_active,
    ).where(ResetCode.code_hash == _hash(code)).first() if len(code) == LENGTH else None
    if row is None or not row["user.is_active"]:
        raise DomainError(_("This code is not right. Please check it against the slip."),
                          "code")
    state = _state(row, clock.now())
    if state != "valid":
        messages = {
            "used": _("This code has already been used. Ask the community office for a "
                      "new one."),
            "replaced": _("A newer code was issued for this account: use the newest slip."),
            "expired": _("This code has expired. Ask the community office for a new one."),
        }
        raise DomainError(messages[state], "code")
    await throttle.succeeded(ids)
    return Holder(int(row["id"]), int(row["user"]), row["user.login"],
                  row["user.display_name"], row["user.phone"])


async def use(raw_code: str, password: str, client_ip: str) -> Holder:
    """Set a new password with a valid code: the code is used up, every session of the
    person ends, and their sign-in failures are forgiven (they can sign in at once)."""
    holder = await check(raw_code, client_ip)
    strength.check(password, login=holder.login, name=holder.display_name,
                   phone=holder.phone)
    new_hash = await passwords.hash_password(password)
    async with db.transaction():
        used = await ResetCode.update({ResetCode.used_at: clock.now()}).where(
            (ResetCode.id == holder.reset_id) & ResetCode.used_at.is_null()
            & ResetCode.replaced_at.is_null()).returning(ResetCode.id)
        if not used:  # the same code used twice at once: the other request won
            raise Conflict(_("This code has already been used. Ask the community office "
                             "for a new one."), "code")
        await User.update({User.password_hash: new_hash}).where(User.id == holder.user_id)
        await end_other_sessions(holder.user_id, None)
        await LoginAttempt.delete().where(
            (LoginAttempt.key == throttle.key("login", holder.login))
            & (LoginAttempt.success == False))  # noqa: E712
        community = await User.select(User.community).where(User.id == holder.user_id).first()
        await audit.record(holder.user_id, int(community["community"]), "password_reset",
                           "user", holder.user_id, f"code {holder.reset_id}")
    return holder


# --- the community office -------------------------------------------------------------

OFFICE_FIELDS = (("office_place", 200), ("office_phone", 32), ("office_hours", 200))


async def offices() -> list[dict[str, Any]]:
    """Every open community with where its office is, its phone and hours."""
    return await Community.select(
        Community.id, Community.name, Community.office_place, Community.office_phone,
        Community.office_hours,
    ).where(Community.archived == False).order_by(Community.name)  # noqa: E712


async def office(actor: Principal, community_id: int) -> dict[str, Any]:
    if not actor.can_staff(community_id):
        raise Forbidden(_("This page is for staff of that community."))
    row = await Community.select(
        Community.id, Community.name, Community.office_place, Community.office_phone,
        Community.office_hours).where(Community.id == community_id).first()
    if row is None:
        raise NotFound(_("No such community."))
    return row


async def set_office(actor: Principal, community_id: int, place: str, phone: str,
                     hours: str) -> None:
    """Staff say where residents get a reset code: shown on "Forgot your password?"."""
    await office(actor, community_id)
    values = {"office_place": place.strip(), "office_phone": phone.strip(),
              "office_hours": hours.strip()}
    for name, limit in OFFICE_FIELDS:
        if len(values[name]) > limit:
            raise DomainError(_("Please keep this under %(n)s characters.", n=limit), name)
    async with db.transaction():
        await Community.update({
            Community.office_place: values["office_place"],
            Community.office_phone: values["office_phone"],
            Community.office_hours: values["office_hours"],
        }).where(Community.id == community_id)
        await audit.record(actor.user_id, community_id, "office_contact_changed",
                           "community", community_id,
                           " · ".join(v for v in values.values() if v))


async def end_codes(user_id: int) -> None:
    """Closing an account: a reset code issued for it no longer works."""
    await ResetCode.update({ResetCode.replaced_at: clock.now()}).where(
        (ResetCode.user == user_id) & ResetCode.used_at.is_null()
        & ResetCode.replaced_at.is_null())

"""Accounts: registration, profiles, staff memberships (helpers: ``helpers``).

Signing in and sessions are in ``sessions``. Every function that changes or shows a person
takes the acting Principal: people change their own profile; staff act on the people of
their communities; administrators appoint staff."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from marketplace import db
from marketplace.accounts import passwords, strength, throttle
from marketplace.accounts.sessions import end_other_sessions, normalise_login
from marketplace.accounts.tables import (
    HelperProfile,
    StaffMembership,
    User,
)
from marketplace.audit import service as audit_log
from marketplace.community.tables import Building, Community, Grid
from marketplace.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.principal import Principal

LOGIN_RE = re.compile(r"^[a-z0-9_.\-]{3,32}$|^\+?[0-9]{6,15}$")
MIN_PASSWORD = strength.MIN_LENGTH


# --- validation -----------------------------------------------------------------------


@dataclass
class Registration:
    display_name: str
    login: str
    password: str
    community_id: int
    grid_id: int | None = None
    building_id: int | None = None
    phone: str = ""
    address: str = ""  # unit/room: shown only to the helper who claims and to staff


NAME_MAX = 64
ADDRESS_MAX = 200
PHONE_MAX = 32
PHONE_RE = re.compile(r"^\+?[0-9]{3,20}$")


def clean_phone(phone: str) -> str:
    """The phone as stored: digits (and a leading +), spaces and dashes people type
    removed, so staff find it by its last digits. Refused when it is something else."""
    cleaned = re.sub(r"[\s-]", "", phone)
    if cleaned and (len(cleaned) > PHONE_MAX or not PHONE_RE.match(cleaned)):
        raise DomainError(_("Please enter the phone number as digits only."), "phone")
    return cleaned


def check_personal(display_name: str, address: str, phone: str = "") -> None:
    """The one check of a person's name, address and phone: at registration, on Me, and
    when staff make or correct a managed resident's account (PIPL Art. 46)."""
    if not 1 <= len(display_name.strip()) <= NAME_MAX:
        raise DomainError(_("Please enter a display name (up to 64 characters)."), "display_name")
    clean_phone(phone)
    if len(address.strip()) > ADDRESS_MAX:
        raise DomainError(_("The address is too long (200 characters at most)."), "address")


def validate_password(password: str, field: str = "password", *, login: str = "",
                      name: str = "", phone: str = "") -> None:
    strength.check(password, field, login=login, name=name, phone=phone)


async def _check_place(community_id: int, grid_id: int | None, building_id: int | None) -> None:
    community = await Community.select(Community.id).where(
        (Community.id == community_id) & (Community.archived == False)  # noqa: E712
    ).first()
    if community is None:
        raise DomainError(_("Please choose your community."), "community")
    if grid_id is not None:
        grid = await Grid.select(Grid.community).where(Grid.id == grid_id).first()
        if grid is None or grid["community"] != community_id:
            raise DomainError(_("That grid is not in the chosen community."), "grid")
    if building_id is not None:
        building = await Building.select(Building.grid).where(Building.id == building_id).first()
        if building is None or grid_id is None or building["grid"] != grid_id:
            raise DomainError(_("That building is not in the chosen grid."), "building")


check_place = _check_place  # for staff-made accounts (``managed``): the one place check


async def register(reg: Registration, *, managed_by_staff: bool = False,
                   client_ip: str | None = None,
                   then: Callable[[int], Awaitable[None]] | None = None) -> int:
    """A new account. ``client_ip``: a sign-up from the web, slowed down per address (each
    one costs a password hash, and a refusal tells that a login exists). ``then`` runs in
    the same transaction with the new id (the page records the privacy notice agreed:
    accounts know nothing of the privacy domain)."""
    display_name = reg.display_name.strip()
    login = normalise_login(reg.login)
    check_personal(display_name, reg.address, reg.phone)
    if not LOGIN_RE.match(login):
        raise DomainError(
            _("Use a phone number, or 3–32 letters, digits, dots, dashes or underscores."),
            "login",
        )
    validate_password(reg.password, login=login, name=display_name, phone=reg.phone)
    await _check_place(reg.community_id, reg.grid_id, reg.building_id)
    if client_ip is not None:
        try:
            await throttle.claim({throttle.key("register", client_ip): throttle.REGISTER})
        except throttle.Throttled as exc:
            raise throttle.Throttled(exc.wait_seconds, _(
                "Many accounts were just made from your network. Please wait %(wait)s and "
                "try again.", wait=throttle.wait_text(exc.wait_seconds))) from None
    password_hash = await passwords.hash_password(reg.password)
    phone = clean_phone(reg.phone) or (login if login.lstrip("+").isdigit() else "")
    async with db.transaction():
        if await User.exists().where(User.login == login):
            raise Conflict(_("An account with this login already exists. Try signing in."), "login")
        rows = await User.insert(
            User(
                login=login,
                display_name=display_name,
                password_hash=password_hash,
                phone=phone,
                address=reg.address.strip(),
                community=reg.community_id,
                grid=reg.grid_id,
                building=reg.building_id,
                managed_by_staff=managed_by_staff,
            )
        ).returning(User.id)
        if then is not None:
            await then(int(rows[0]["id"]))
    return int(rows[0]["id"])


# --- profile --------------------------------------------------------------------------


async def profile(actor: Principal, user_id: int) -> dict[str, Any]:
    """A person's profile, for themselves and for staff of their community."""
    row = await User.select(
        User.id,
        User.login,
        User.display_name,
        User.phone,
        User.address,
        User.language,
        User.created_at,
        User.is_active,
        User.community.id,
        User.community.name,
        User.grid.id,
        User.grid.name,
        User.building.id,
        User.building.name,
    ).where(User.id == user_id).first()
    if row is None:
        raise NotFound(_("No such person."))
    if user_id != actor.user_id and not actor.can_staff(int(row["community.id"])):
        raise Forbidden(_("This page is for staff of that community."))
    helper = await HelperProfile.select().where(HelperProfile.user == user_id).first()
    row["helper"] = helper
    return row


async def update_profile(
    actor: Principal,
    display_name: str,
    phone: str,
    address: str,
    grid_id: int | None,
    building_id: int | None,
    language: str,
) -> None:
    display_name = display_name.strip()
    check_personal(display_name, address, phone)
    if language not in ("", "zh", "en"):
        raise DomainError(_("Unknown language."), "language")
    user_id = actor.user_id
    user = await User.select(User.community).where(User.id == user_id).first()
    if user is None:
        raise NotFound(_("No such person."))
    await _check_place(int(user["community"]), grid_id, building_id)
    await User.update(
        {
            User.display_name: display_name,
            User.phone: clean_phone(phone),
            User.address: address.strip(),
            User.grid: grid_id,
            User.building: building_id,
            User.language: language,
        }
    ).where(User.id == user_id)


async def change_password(actor: Principal, current: str, new: str,
                          keep_token: str | None) -> None:
    user_id = actor.user_id
    user = await User.select(User.password_hash, User.login, User.display_name,
                             User.phone).where(User.id == user_id).first()
    if user is None:
        raise NotFound(_("No such person."))
    ok, _unused = await passwords.verify_password(user["password_hash"], current)
    if not ok:
        raise DomainError(_("The current password is not right."), "current")
    validate_password(new, "new", login=user["login"], name=user["display_name"],
                      phone=user["phone"])
    new_hash = await passwords.hash_password(new)
    async with db.transaction():
        await User.update({User.password_hash: new_hash}).where(User.id == user_id)
        await end_other_sessions(user_id, keep_token)
        await audit_log.record(user_id, None, "password_changed", "user", user_id)


async def set_language(actor: Principal, language: str) -> None:
    if language in ("zh", "en"):
        await User.update({User.language: language}).where(User.id == actor.user_id)


async def set_elder_mode(actor: Principal, on: bool) -> None:
    """长辈版 on or off for this person, on every device they sign in on."""
    await User.update({User.elder_mode: on}).where(User.id == actor.user_id)


# --- staff management -----------------------------------------------------------------


async def grant_staff(actor: Principal, login: str, community_id: int) -> None:
    user = await User.select(User.id).where(User.login == normalise_login(login)).first()
    if user is None:
        if not actor.is_admin:
            raise Forbidden(_("Only administrators appoint staff."))
        raise NotFound(_("No account has that login."), "login")
    await grant_staff_to(actor, int(user["id"]), community_id)


async def grant_staff_to(actor: Principal, user_id: int, community_id: int) -> None:
    if not actor.is_admin:
        raise Forbidden(_("Only administrators appoint staff."))
    async with db.transaction():
        if await StaffMembership.exists().where(
            (StaffMembership.user == user_id)
            & (StaffMembership.community == community_id)
            & (StaffMembership.active == True)  # noqa: E712
        ):
            raise Conflict(_("That person is already staff here."), "person")
        await StaffMembership.insert(
            StaffMembership(user=user_id, community=community_id, created_by=actor.user_id)
        )
        await audit_log.record(actor.user_id, community_id, "staff_granted", "user", user_id)


async def revoke_staff(actor: Principal, membership_id: int) -> None:
    if not actor.is_admin:
        raise Forbidden(_("Only administrators appoint staff."))
    async with db.transaction():
        row = await StaffMembership.select().where(StaffMembership.id == membership_id).first()
        if row is None:
            raise NotFound(_("No such staff membership."))
        await StaffMembership.update({StaffMembership.active: False}).where(
            StaffMembership.id == membership_id
        )
        await audit_log.record(actor.user_id, row["community"], "staff_revoked", "user",
                               row["user"])


async def staff_of(actor: Principal, community_id: int) -> list[dict[str, Any]]:
    if not actor.can_staff(community_id):
        raise Forbidden(_("This page is for staff of that community."))
    return await StaffMembership.select(
        StaffMembership.id, StaffMembership.user.display_name, StaffMembership.user.login
    ).where(
        (StaffMembership.community == community_id) & (StaffMembership.active == True)  # noqa: E712
    )


# --- audit ----------------------------------------------------------------------------


async def audit(
    actor_id: int | None,
    community_id: int | None,
    action: str,
    target_type: str = "",
    target_id: int = 0,
    detail: str = "",
) -> None:
    """Kept for callers in other domains until they call ``audit.service.record``, which
    owns the log; accounts no longer use it."""
    await audit_log.record(actor_id, community_id, action, target_type, target_id, detail)

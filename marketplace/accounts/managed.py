"""Staff-managed accounts (红色代办): residents without a phone, and taking one over.

Staff of a community make the account (no password: nobody can sign in to it) and act for
the resident through ``proxies.may_act_for``. When the resident later wants to use the
site, staff issue an activation code: short-lived, single use, stored as its sha256 only,
and guessing is throttled per address. Using it sets the resident's own login and password
and ends the staff's management of the account.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from marketplace import clock, db
from marketplace.accounts import passwords, throttle
from marketplace.accounts.service import (
    LOGIN_RE,
    check_personal,
    check_place,
    clean_phone,
    validate_password,
)
from marketplace.accounts.sessions import end_other_sessions, normalise_login
from marketplace.accounts.tables import ActivationCode, User
from marketplace.audit import service as audit
from marketplace.community.tables import Building, Grid
from marketplace.db import MAX_ID
from marketplace.errors import Conflict, DomainError, NotFound
from marketplace.i18n import _
from marketplace.principal import Principal

# Not an argon2 hash: no password verifies against it, so nobody signs in to the account.
UNUSABLE_PASSWORD = "!managed"
ACTIVATION_HOURS = 72  # long enough to walk home and find someone with a phone
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud, typed by hand
CODE_LENGTH = 10  # 32^10 ≈ 10^15: with the throttle below, not guessable
ACTIVATE = throttle.Rule(free=10, base=30, cap=30 * 60, window=timedelta(days=1))


@dataclass
class ManagedAccount:
    display_name: str
    community_id: int
    grid_id: int | None
    building_id: int | None
    address: str = ""  # unit / room
    phone: str = ""


def _check(account: ManagedAccount) -> None:
    check_personal(account.display_name, account.address, account.phone)


async def create(actor: Principal, account: ManagedAccount) -> int:
    """A staff-managed account in one of ``actor``'s communities; audited."""
    if actor.agent_id is not None or not actor.can_staff(account.community_id):
        raise NotFound(_("No such community."))
    _check(account)
    await check_place(account.community_id, account.grid_id, account.building_id)
    async with db.transaction():
        login = await _free_login()
        rows = await User.insert(User(
            login=login, display_name=account.display_name.strip(),
            password_hash=UNUSABLE_PASSWORD, phone=clean_phone(account.phone),
            address=account.address.strip(), community=account.community_id,
            grid=account.grid_id, building=account.building_id, managed_by_staff=True,
        )).returning(User.id)
        user_id = int(rows[0]["id"])
        await audit.record(actor.user_id, account.community_id, "managed_account_created",
                           "user", user_id, login)
    return user_id


async def _free_login() -> str:
    """A placeholder login (``m`` and digits) until the resident chooses their own."""
    while True:
        login = "m" + "".join(secrets.choice("0123456789") for _n in range(8))
        if not await User.exists().where(User.login == login):
            return login


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace("-", "").replace(" ", "")
                          .encode()).hexdigest()


def display(code: str) -> str:
    """ABCDE-FGHIJ: easier to read aloud and to type."""
    return f"{code[:5]}-{code[5:]}"


async def managed_person(actor: Principal, user_id: int) -> dict[str, Any]:
    """A managed account of one of ``actor``'s communities, else NotFound."""
    row = None
    if 0 < user_id <= MAX_ID:
        row = await User.select(
            User.id, User.login, User.display_name, User.community, User.managed_by_staff,
            User.address, User.phone, User.grid.name, User.building.name, User.community.name,
        ).where(User.id == user_id).first()
    if row is None or actor.agent_id is not None or not actor.can_staff(int(row["community"])):
        raise NotFound(_("No such person."))
    return row


async def issue_activation(actor: Principal, user_id: int) -> dict[str, Any]:
    """A new activation code for a managed account (earlier unused ones stop working)."""
    person = await managed_person(actor, user_id)
    if not person["managed_by_staff"]:
        raise Conflict(_("This resident already runs their own account."))
    code = "".join(secrets.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH))
    moment = clock.now()
    expires = moment + timedelta(hours=ACTIVATION_HOURS)
    async with db.transaction():
        await ActivationCode.update({ActivationCode.used_at: moment}).where(
            (ActivationCode.user == user_id) & ActivationCode.used_at.is_null())
        await ActivationCode.insert(ActivationCode(
            user=user_id, code_hash=_digest(code), issued_by=actor.user_id,
            expires_at=expires))
        await audit.record(actor.user_id, int(person["community"]), "activation_issued",
                           "user", user_id)
    return {"code": display(code), "expires_at": expires, "person": person}


@dataclass
class Activation:
    code: str
    login: str
    password: str


def _invalid() -> DomainError:
    return DomainError(_("That code is not valid or has expired. Please ask the community "
                         "office for a new one."), "code")


async def _login_taken(login: str, user_id: int) -> None:
    if await User.exists().where((User.login == login) & (User.id != user_id)):
        raise Conflict(_("An account with this login already exists. Try signing in."),
                       "login")


async def activate(form: Activation, client_ip: str) -> int:
    """Take over a managed account with a code; returns the user id. Throttled per
    address: every wrong code counts (a right code with a login or password to fix does
    not), and a refused attempt reveals nothing else."""
    ids, _counts = await throttle.claim({throttle.key("activate", client_ip): ACTIVATE})
    row = await ActivationCode.select(
        ActivationCode.id, ActivationCode.user, ActivationCode.user.display_name,
        ActivationCode.user.phone, ActivationCode.user.community,
    ).where(
        (ActivationCode.code_hash == _digest(form.code)) & ActivationCode.used_at.is_null()
        & (ActivationCode.expires_at > clock.now())
    ).first()
    if row is None:
        raise _invalid()
    await throttle.succeeded(ids)
    user_id, login = int(row["user"]), normalise_login(form.login)
    if not LOGIN_RE.match(login):
        raise DomainError(_("Use a phone number, or 3–32 letters, digits, dots, dashes "
                            "or underscores."), "login")
    validate_password(form.password, login=login, name=row["user.display_name"],
                      phone=row["user.phone"])
    await _login_taken(login, user_id)
    password_hash = await passwords.hash_password(form.password)
    async with db.transaction():
        used = await ActivationCode.update({ActivationCode.used_at: clock.now()}).where(
            (ActivationCode.id == row["id"]) & ActivationCode.used_at.is_null()
        ).returning(ActivationCode.id)
        if not used:  # the same code used twice at once: one wins
            raise _invalid()
        await _login_taken(login, user_id)
        await User.update({User.login: login, User.password_hash: password_hash,
                           User.managed_by_staff: False}).where(User.id == user_id)
        await end_other_sessions(user_id, None)
        await audit.record(user_id, int(row["user.community"]), "account_activated", "user",
                           user_id)
    return user_id


# --- correcting a managed resident's details (PIPL Art. 46) -----------------------------


@dataclass
class Correction:
    display_name: str
    phone: str
    address: str
    grid_id: int | None
    building_id: int | None


def mask_phone(phone: str) -> str:
    """138****1111: staff reading the audit log can tell two numbers apart, not call one."""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


async def _place_names(grid_id: int | None, building_id: int | None) -> tuple[str, str]:
    grid = await Grid.select(Grid.name).where(Grid.id == grid_id).first() if grid_id else None
    building = (await Building.select(Building.name).where(Building.id == building_id).first()
                if building_id else None)
    return (grid["name"] if grid else "", building["name"] if building else "")


def _changes(old: dict[str, Any], new: dict[str, str]) -> list[str]:
    """What changed, for the audit line: names and places old → new; the phone masked and
    the address only said to have changed (the log is read by every staff member and
    kept for years, the address itself stays on the member page)."""
    said = []
    for key, label in (("display_name", "name"), ("grid", "grid"), ("building", "building")):
        if old[key] != new[key]:
            said.append(f"{label}: {old[key] or '-'} → {new[key] or '-'}")
    if old["phone"] != new["phone"]:
        said.append(f"phone: {mask_phone(old['phone']) or '-'} → "
                    f"{mask_phone(new['phone']) or '-'}")
    if old["address"] != new["address"]:
        said.append("address changed")
    return said


async def correct(actor: Principal, user_id: int, c: Correction) -> bool:
    """Staff correct a managed resident's details, with an audit line; False when nothing
    changed. Residents who run their own account correct theirs on Me."""
    person = await managed_person(actor, user_id)
    if not person["managed_by_staff"]:
        raise Conflict(_("This resident runs their own account: they correct their details "
                         "on their Me page."))
    check_personal(c.display_name, c.address, c.phone)
    community_id = int(person["community"])
    await check_place(community_id, c.grid_id, c.building_id)
    grid, building = await _place_names(c.grid_id, c.building_id)
    new = {"display_name": c.display_name.strip(), "phone": clean_phone(c.phone),
           "address": c.address.strip(), "grid": grid, "building": building}
    old = {"display_name": person["display_name"], "phone": person["phone"],
           "address": person["address"], "grid": person["grid.name"] or "",
           "building": person["building.name"] or ""}
    said = _changes(old, new)
    if not said:
        return False
    async with db.transaction():
        await User.update({
            User.display_name: new["display_name"], User.phone: new["phone"],
            User.address: new["address"], User.grid: c.grid_id, User.building: c.building_id,
        }).where(User.id == user_id)
        await audit.record(actor.user_id, community_id, "profile_corrected", "user", user_id,
                           "; ".join(said))
    return True

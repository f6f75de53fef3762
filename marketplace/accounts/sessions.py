"""Signing in (with throttling) and sessions: who is asking, on every request.

Split from the accounts service because it runs on every page view and has its own
concerns: timing-safe failures, DB-backed throttling shared by all app processes, and a
session lookup that costs one query. Accounts know nothing of shops: whoever needs the
merchant roles adds them (``rewards.merchants.with_merchant_roles``; the web layer asks
for them in the same query, ``session_row``'s extra columns, on every request).
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from marketplace import clock, db, quickread, settings
from marketplace.accounts import passwords, throttle
from marketplace.accounts.tables import Session, User
from marketplace.audit import service as audit
from marketplace.errors import DomainError, NotFound
from marketplace.i18n import _
from marketplace.principal import Principal


def normalise_login(raw: str) -> str:
    return raw.strip().lower().replace(" ", "")


# --- sign-in and throttling -----------------------------------------------------------

# Re-exported for the pages: a wait told apart from a wrong password; the device cookie.
Throttled = throttle.Throttled
DEVICE_COOKIE = throttle.DEVICE_COOKIE
DEVICE_COOKIE_DAYS = throttle.DEVICE_COOKIE_DAYS


@dataclass(frozen=True)
class SignedIn:
    token: str  # the session cookie
    device: str  # the device cookie (throttle.DEVICE_COOKIE), renewed at every sign-in
    principal: Principal


async def authenticate(login: str, password: str, client_ip: str,
                       device_cookie: str | None = None) -> int:
    """Return the user id, or raise DomainError / Throttled with a polite message.

    OWASP's device cookies (``throttle``): a browser that signed in to this login before is
    slowed down by its own failures only. Any other is slowed by the login's failures from
    unknown devices and by its address's; while it must wait, its password is not checked
    at all, right or wrong (otherwise the answer would tell a guesser when they are right).
    """
    login = normalise_login(login)
    device = throttle.device_for(device_cookie, login)
    if device:
        keys = {throttle.key("device", device): throttle.login_rule()}
    else:
        keys = {throttle.key("login", login): throttle.login_rule(),
                throttle.key("ip", client_ip): throttle.address_rule()}
    ids, counts = await throttle.claim(keys)
    user = await User.select(User.id, User.password_hash, User.is_active).where(
        User.login == login
    ).first()
    if user is None:
        await passwords.burn_time(password)
        ok, new_hash = False, None
    else:
        ok, new_hash = await passwords.verify_password(user["password_hash"], password)
    if not ok or user is None or not user["is_active"]:
        wait = max(throttle.wait_after_failure(counts[k], rule) for k, rule in keys.items())
        if wait:
            raise DomainError(_("Wrong login or password. Please wait %(wait)s before the "
                                "next try.", wait=throttle.wait_text(wait)))
        raise DomainError(_("Wrong login or password."))
    async with db.transaction():
        if new_hash:
            await User.update({User.password_hash: new_hash}).where(User.id == user["id"])
        await User.update({User.last_login_at: clock.now()}).where(User.id == user["id"])
        # The login's or this device's failures are forgiven; the address's never are.
        await throttle.succeeded(ids, [k for k in keys if not k.startswith("ip:")])
    return int(user["id"])


# --- sessions -------------------------------------------------------------------------


def _session_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def start_session(user_id: int, user_agent: str, old_token: str | None) -> str:
    """A fresh id at every sign-in, so a planted session cookie is worthless."""
    token = secrets.token_urlsafe(32)
    async with db.transaction():
        if old_token:
            await Session.delete().where(Session.id == _session_id(old_token))
        await Session.insert(
            Session(id=_session_id(token), user=user_id, user_agent=user_agent[:200])
        )
    return token


async def sign_in(login: str, password: str, client_ip: str, user_agent: str,
                  old_token: str | None, device_cookie: str | None = None) -> SignedIn:
    """Check the password and start a session: its token, the renewed device cookie and
    who signed in. Staff sign-ins are audited (with the address): their accounts can change
    others' data."""
    user_id = await authenticate(login, password, client_ip, device_cookie)
    signed = await open_session(user_id, user_agent, old_token, device_cookie)
    if signed.principal.is_staff:
        await audit.record(user_id, signed.principal.community_id, "staff_login", "user",
                           user_id, client_ip)
    return signed


async def open_session(user_id: int, user_agent: str, old_token: str | None,
                       device_cookie: str | None = None) -> SignedIn:
    """A fresh session for a person whose identity is already settled (a checked password,
    or the account just made): the cookies to set and who it is."""
    token = await start_session(user_id, user_agent, old_token)
    principal = await load_principal(user_id)
    return SignedIn(token, throttle.issue_device(device_cookie, principal.login), principal)


async def end_session(token: str) -> None:
    await Session.delete().where(Session.id == _session_id(token))


async def end_other_sessions(user_id: int, keep_token: str | None) -> None:
    keep = _session_id(keep_token) if keep_token else ""
    await Session.delete().where((Session.user == user_id) & (Session.id != keep))


# Session, person, helper profile and staff communities in one round trip: this runs
# before every page. The staff list is aggregated into a text "3,7" (dialect differs).
# ``extra`` adds columns the caller knows about, correlated on ``u.id`` (the web layer
# adds the merchants and the unread count, which accounts know nothing of).
_WHO = """
SELECT s.created_at, s.last_seen_at, u.id, u.login, u.display_name, u.community,
       u.language, u.elder_mode, u.is_admin, u.is_active, h.status AS helper_status,
       h.kind AS helper_kind,
       (SELECT {agg} FROM staff_membership m
         WHERE m."user" = u.id AND m.active) AS staff,
       (SELECT {agg_street} FROM area_staff_membership a
         WHERE a."user" = u.id AND a.active AND a.street IS NOT NULL) AS streets,
       (SELECT {agg_district} FROM area_staff_membership a
         WHERE a."user" = u.id AND a.active AND a.district IS NOT NULL) AS districts,
       (SELECT {agg_unit} FROM work_unit_contact c
         WHERE c."user" = u.id AND c.active) AS work_units{extra}
FROM {source}
LEFT JOIN helper_profile h ON h."user" = u.id
WHERE {where}
"""
# The columns quickread converts on SQLite (see quickread.read).
_WHO_TYPES = {"created_at": quickread.TIMESTAMPTZ, "last_seen_at": quickread.TIMESTAMPTZ,
              "elder_mode": quickread.BOOLEAN, "is_admin": quickread.BOOLEAN,
              "is_active": quickread.BOOLEAN}
_BY_SESSION = 'web_session s JOIN app_user u ON u.id = s."user"'
# By user id (services, tests, demo): no session, so its two columns come back empty.
_BY_USER = "app_user u LEFT JOIN web_session s ON 1 = 0"


def _who(source: str, where: str, extra: Mapping[str, str] | None = None) -> str:
    columns = "".join(f",\n       ({sql}) AS {name}" for name, sql in (extra or {}).items())
    return _WHO.format(agg=db.id_list_sql("m.community"), agg_street=db.id_list_sql("a.street"),
                       agg_district=db.id_list_sql("a.district"),
                       agg_unit=db.id_list_sql("c.work_unit"), source=source, where=where,
                       extra=columns)


@functools.cache
def _who_by_session(extra: tuple[tuple[str, str], ...]) -> str:
    # Built once per set of extra columns: this runs before every page.
    return _who(_BY_SESSION, "s.id = {}", dict(extra))


async def session_row(token: str, extra: tuple[tuple[str, str], ...] = ()
                      ) -> dict[str, Any] | None:
    """The session's person (``principal_from_row``) plus the ``extra`` columns ((name,
    SQL on ``u.id``) pairs), or None when there is no such live session. An expired session
    is deleted; a live one is touched at most once a minute."""
    cfg = settings.get()
    sid = _session_id(token)
    rows = await quickread.read(_who_by_session(extra), sid, types=_WHO_TYPES)
    if not rows:
        return None
    row: dict[str, Any] = rows[0]
    moment = clock.now()
    idle = timedelta(minutes=cfg.session_idle_minutes)
    absolute = timedelta(hours=cfg.session_absolute_hours)
    seen, created = _aware(row["last_seen_at"]), _aware(row["created_at"])
    if not row["is_active"] or moment - seen > idle or moment - created > absolute:
        await Session.delete().where(Session.id == sid)
        return None
    # Touch at most once a minute: a write per page view would serialise all readers.
    if moment - seen > timedelta(seconds=60):
        await Session.update({Session.last_seen_at: moment}).where(Session.id == sid)
    return row


async def principal_for_session(token: str) -> Principal | None:
    row = await session_row(token)
    return principal_from_row(row) if row else None


async def load_principal(user_id: int) -> Principal:
    rows = await User.raw(_who(_BY_USER, "u.id = {}"), user_id)
    if not rows:
        raise NotFound(_("No such person."))
    return principal_from_row(rows[0])


def _aware(moment: Any) -> datetime:
    # Raw queries on SQLite hand back text; Piccolo's typed selects would convert it.
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return clock.aware(moment)


def principal_from_row(row: Mapping[str, Any]) -> Principal:
    return Principal(
        user_id=int(row["id"]),
        login=row["login"],
        display_name=row["display_name"],
        community_id=int(row["community"]),
        language=row["language"] or "",
        elder_mode=None if row["elder_mode"] is None else bool(row["elder_mode"]),
        is_admin=bool(row["is_admin"]),
        staff_community_ids=db.parse_id_list(row["staff"]),
        street_ids=db.parse_id_list(row["streets"]),
        district_ids=db.parse_id_list(row["districts"]),
        work_unit_ids=db.parse_id_list(row["work_units"]),
        helper_status=row["helper_status"],
        helper_kind=row["helper_kind"],
    )


async def forget_sessions(community_ids: list[int], started_before: datetime) -> int:
    """Retention: sessions of these communities' people started before the moment end
    (with the device they name), whatever the site-wide time-outs still allow."""
    gone = await Session.delete().where(
        (Session.created_at < started_before)
        & Session.user.is_in(User.select(User.id).where(User.community.is_in(community_ids)))
    ).returning(Session.id)
    return len(gone)

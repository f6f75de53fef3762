"""Signing in (with throttling) and sessions: who is asking, on every request.

Split from the accounts service because it runs on every page view and has its own
concerns: timing-safe failures, DB-backed throttling shared by all app processes, and a
session lookup that costs one query. Accounts know nothing of shops: whoever needs the
merchant roles adds them (``rewards.merchants.with_merchant_roles``; the web layer does
on every request).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from marketplace import clock, db, settings
from marketplace.accounts import passwords
from marketplace.accounts.tables import LoginAttempt, Session, User
from marketplace.audit import service as audit
from marketplace.errors import DomainError, NotFound
from marketplace.i18n import _
from marketplace.principal import Principal


def normalise_login(raw: str) -> str:
    return raw.strip().lower().replace(" ", "")


# --- sign-in and throttling -----------------------------------------------------------


class Throttled(DomainError):
    def __init__(self, wait_seconds: int) -> None:
        minutes = max(1, (wait_seconds + 59) // 60)
        super().__init__(
            _("Too many failed attempts. Please wait %(m)s minute(s) and try again.", m=minutes)
        )
        self.wait_seconds = wait_seconds


async def _wait_for(key: str) -> int:
    cfg = settings.get()
    window_start = clock.now() - timedelta(minutes=cfg.login_window_minutes)
    failures = await LoginAttempt.select(LoginAttempt.at).where(
        (LoginAttempt.key == key)
        & (LoginAttempt.success == False)  # noqa: E712
        & (LoginAttempt.at > window_start)
    ).order_by(LoginAttempt.at)
    # Per address we allow more failures: many residents share one building's network.
    limit = cfg.login_max_failures * (4 if key.startswith("ip:") else 1)
    if len(failures) < limit:
        return 0
    oldest = failures[len(failures) - limit]["at"]
    until = oldest + timedelta(minutes=cfg.login_window_minutes)
    return max(1, int((until - clock.now()).total_seconds()))


async def authenticate(login: str, password: str, client_ip: str) -> int:
    """Return the user id, or raise DomainError / Throttled with a polite message."""
    login = normalise_login(login)
    keys = [f"login:{login}"[:120], f"ip:{client_ip}"[:120]]
    for key in keys:
        wait = await _wait_for(key)
        if wait:
            raise Throttled(wait)
    user = await User.select(User.id, User.password_hash, User.is_active).where(
        User.login == login
    ).first()
    if user is None:
        await passwords.burn_time(password)
        ok, new_hash = False, None
    else:
        ok, new_hash = await passwords.verify_password(user["password_hash"], password)
    if not ok or user is None or not user["is_active"]:
        await LoginAttempt.insert(*[LoginAttempt(key=k, success=False) for k in keys])
        raise DomainError(_("Wrong login or password."))
    async with db.transaction():
        if new_hash:
            await User.update({User.password_hash: new_hash}).where(User.id == user["id"])
        await User.update({User.last_login_at: clock.now()}).where(User.id == user["id"])
        await LoginAttempt.delete().where(LoginAttempt.key == keys[0])
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
                  old_token: str | None) -> tuple[str, Principal]:
    """Check the password and start a session: its token and who signed in. Staff
    sign-ins are audited (with the address): their accounts can change others' data."""
    user_id = await authenticate(login, password, client_ip)
    token = await start_session(user_id, user_agent, old_token)
    principal = await load_principal(user_id)
    if principal.is_staff:
        await audit.record(user_id, principal.community_id, "staff_login", "user", user_id,
                           client_ip)
    return token, principal


async def end_session(token: str) -> None:
    await Session.delete().where(Session.id == _session_id(token))


async def end_other_sessions(user_id: int, keep_token: str | None) -> None:
    keep = _session_id(keep_token) if keep_token else ""
    await Session.delete().where((Session.user == user_id) & (Session.id != keep))


# Session, person, helper profile and staff communities in one round trip: this runs
# before every page. The staff list is aggregated into a text "3,7" (dialect differs).
_WHO = """
SELECT s.created_at, s.last_seen_at, u.id, u.login, u.display_name, u.community,
       u.language, u.is_admin, u.is_active, h.status AS helper_status,
       h.kind AS helper_kind,
       (SELECT {agg} FROM staff_membership m
         WHERE m."user" = u.id AND m.active) AS staff
FROM {source}
LEFT JOIN helper_profile h ON h."user" = u.id
WHERE {where}
"""
_BY_SESSION = 'web_session s JOIN app_user u ON u.id = s."user"'
# By user id (services, tests, demo): no session, so its two columns come back empty.
_BY_USER = "app_user u LEFT JOIN web_session s ON 1 = 0"


def _who(source: str, where: str) -> str:
    agg = ("group_concat(m.community)" if db.is_sqlite()
           else "string_agg(m.community::text, ',')")
    return _WHO.format(agg=agg, source=source, where=where)


async def principal_for_session(token: str) -> Principal | None:
    cfg = settings.get()
    sid = _session_id(token)
    rows = await Session.raw(_who(_BY_SESSION, "s.id = {}"), sid)
    if not rows:
        return None
    row = rows[0]
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
    return _principal(row)


async def load_principal(user_id: int) -> Principal:
    rows = await User.raw(_who(_BY_USER, "u.id = {}"), user_id)
    if not rows:
        raise NotFound(_("No such person."))
    return _principal(rows[0])


def _aware(moment: Any) -> datetime:
    # Raw queries on SQLite hand back text; Piccolo's typed selects would convert it.
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return clock.aware(moment)


def _principal(row: dict[str, Any]) -> Principal:
    staff = str(row["staff"] or "")
    return Principal(
        user_id=int(row["id"]),
        login=row["login"],
        display_name=row["display_name"],
        community_id=int(row["community"]),
        language=row["language"] or "",
        is_admin=bool(row["is_admin"]),
        staff_community_ids=frozenset(int(c) for c in staff.split(",") if c),
        helper_status=row["helper_status"],
        helper_kind=row["helper_kind"],
    )

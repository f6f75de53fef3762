"""Slowing down guessing without locking anyone out (OWASP "device cookies").

State lives in the ``login_attempt`` table (``key``, ``at``), so every app process sees
the same counts. A key names what is slowed down:

``login:<login>``  wrong passwords for a login from devices that never signed in to it;
``device:<id>``    wrong passwords from one device cookie (slows that browser only);
``ip:<address>``   wrong passwords from one address, any login (a higher ceiling: a
                   building's network or a carrier's shared address holds many people);
``register:<address>`` and ``checkin:<user>``  registrations and wrong check-in codes.
``reset:<address>``  password reset codes typed (``recovery``): by address only, since a
                   wrong code names nobody, and nobody can slow down another's reset.

A key is free for ``free`` failures within ``window``; after that each attempt must wait,
counted from the latest failure, ``base`` seconds doubling with every further failure up to
``cap``. Refused attempts are not failures (the password is not even checked), so waiting
is enough to be let in again: nobody is locked out for good.

Device cookies: a successful sign-in gives the browser a cookie naming the login, signed
with SECRET_KEY (HMAC-SHA256). A device holding one for the login being tried is judged by
its own key only: an attacker elsewhere, however many failures they pile on the login or the
address, does not slow the owner's phone down.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from marketplace import clock, settings
from marketplace.accounts.tables import LoginAttempt
from marketplace.errors import DomainError
from marketplace.i18n import _


@dataclass(frozen=True)
class Rule:
    free: int  # failures allowed within the window before any wait
    base: int  # seconds to wait after the first failure beyond ``free``
    cap: int  # the longest wait, in seconds
    window: timedelta  # how far back failures count


def login_rule() -> Rule:
    cfg = settings.get()
    return Rule(free=cfg.login_max_failures, base=30, cap=cfg.login_window_minutes * 60,
                window=timedelta(days=1))


def address_rule() -> Rule:
    # Twenty times the ceiling and a short cap: an address holds many people, who mostly
    # have device cookies anyway; the address limit stops one machine spraying many logins.
    cfg = settings.get()
    return Rule(free=cfg.login_max_failures * 20, base=5, cap=60, window=timedelta(hours=1))


REGISTER = Rule(free=20, base=10, cap=120, window=timedelta(hours=1))
CHECKIN = Rule(free=5, base=30, cap=15 * 60, window=timedelta(days=1))
RESET = Rule(free=10, base=30, cap=15 * 60, window=timedelta(days=1))


def wait_text(seconds: int) -> str:
    if seconds < 120:
        return _("%(n)s seconds", n=max(1, seconds))
    return _("%(n)s minutes", n=(seconds + 59) // 60)


class Throttled(DomainError):
    def __init__(self, wait_seconds: int, message: str | None = None,
                 field: str | None = None) -> None:
        super().__init__(message or _("Too many failed attempts. Please wait %(wait)s and try "
                                      "again.", wait=wait_text(wait_seconds)), field)
        self.wait_seconds = wait_seconds


def key(kind: str, value: object) -> str:
    return f"{kind}:{value}"[:120]


async def failures(k: str, rule: Rule, exclude: list[int] | None = None) -> tuple[int, int]:
    """(failures counted, seconds still to wait) for ``k``."""
    moment = clock.now()
    query = LoginAttempt.select(LoginAttempt.at).where(
        (LoginAttempt.key == k) & (LoginAttempt.success == False)  # noqa: E712
        & (LoginAttempt.at > moment - rule.window))
    if exclude:
        query = query.where(LoginAttempt.id.not_in(exclude))
    # Past free + 16 failures the wait is at its cap whatever the count.
    rows = await query.order_by(LoginAttempt.at, ascending=False).limit(rule.free + 16)
    n = len(rows)
    if n < rule.free:
        return n, 0
    delay = min(rule.cap, rule.base * 2 ** (n - rule.free))
    until = clock.aware(rows[0]["at"]) + timedelta(seconds=delay)
    return n, max(0, int((until - moment).total_seconds() + 0.999))


def wait_after_failure(n_before: int, rule: Rule) -> int:
    """The wait that a failure just recorded (on top of ``n_before``) brings on."""
    n = n_before + 1
    return 0 if n < rule.free else min(rule.cap, rule.base * 2 ** (n - rule.free))


async def claim(keys: dict[str, Rule]) -> tuple[list[int], dict[str, int]]:
    """Record an attempt on every key *before* checking it, then see whether it may go on.

    Recording first makes concurrent guesses see each other: a burst of parallel requests
    cannot all slip past the count. Returns the new rows' ids (pass them to ``succeeded``
    or leave them as failures) and the failures counted before this one per key; raises
    Throttled (and removes the rows: a refused attempt is no failure) when a key must wait.
    """
    rows = await LoginAttempt.insert(
        *[LoginAttempt(key=k, success=False) for k in keys]).returning(LoginAttempt.id)
    ids = [int(r["id"]) for r in rows]
    counts: dict[str, int] = {}
    wait = 0
    for k, rule in keys.items():
        counts[k], w = await failures(k, rule, exclude=ids)
        wait = max(wait, w)
    if wait:
        await LoginAttempt.delete().where(LoginAttempt.id.is_in(ids))
        raise Throttled(wait)
    return ids, counts


async def succeeded(ids: list[int], reset: Sequence[str] = ()) -> None:
    """The attempt was right: its rows stop counting, and so do earlier failures of the
    ``reset`` keys (never an address's: anyone could reset it with their own account)."""
    await LoginAttempt.update({LoginAttempt.success: True}).where(LoginAttempt.id.is_in(ids))
    for k in reset:
        await LoginAttempt.delete().where(
            (LoginAttempt.key == k) & (LoginAttempt.success == False))  # noqa: E712


# --- device cookies -------------------------------------------------------------------

DEVICE_COOKIE = "device"
DEVICE_COOKIE_DAYS = 365
_MAX_ENTRIES = 5  # a family's shared phone signs in to several accounts


def _b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _sign(login_b64: str, nonce: str) -> str:
    secret = settings.get().secret_key.encode()
    mac = hmac.new(secret, f"device|{login_b64}|{nonce}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def _entries(cookie: str | None) -> list[str]:
    if not cookie or len(cookie) > 1200:
        return []
    return [e for e in cookie.split("~") if e][:_MAX_ENTRIES]


def device_for(cookie: str | None, login: str) -> str | None:
    """The id of the device cookie entry signed for ``login``, or None."""
    wanted = _b64(login)
    for entry in _entries(cookie):
        parts = entry.split(".")
        if len(parts) != 3 or parts[0] != wanted:
            continue
        if hmac.compare_digest(parts[2], _sign(parts[0], parts[1])):
            return hashlib.sha256(entry.encode()).hexdigest()[:40]
    return None


def issue_device(cookie: str | None, login: str) -> str:
    """The cookie value after a successful sign-in: a fresh entry for ``login`` first,
    then the other logins' entries this browser holds (a few at most)."""
    wanted = _b64(login)
    nonce = secrets.token_urlsafe(12)
    fresh = f"{wanted}.{nonce}.{_sign(wanted, nonce)}"
    others = [e for e in _entries(cookie) if not e.startswith(wanted + ".")]
    return "~".join([fresh, *others][:_MAX_ENTRIES])

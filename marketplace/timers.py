"""Periodic work (deadlines, expiries, clean-up), run by the app and by `marketplace tick`.

Each job is written so that running it twice, or from two processes at once, does the work
once: they select due rows and change them with conditional updates inside a transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from marketplace import settings
from marketplace.accounts.tables import LoginAttempt, Session

log = logging.getLogger("marketplace.timers")

Job = Callable[[datetime], Awaitable[int]]


async def purge_sessions(moment: datetime) -> int:
    cfg = settings.get()
    idle = moment - timedelta(minutes=cfg.session_idle_minutes)
    absolute = moment - timedelta(hours=cfg.session_absolute_hours)
    gone = await Session.delete().where(
        (Session.last_seen_at < idle) | (Session.created_at < absolute)
    ).returning(Session.id)
    old = moment - timedelta(days=1)
    await LoginAttempt.delete().where(LoginAttempt.at < old)
    return len(gone)


def jobs() -> list[tuple[str, Job]]:
    registered: list[tuple[str, Job]] = [("sessions", purge_sessions)]
    # Domains add their jobs here as they land (wish deadlines, code expiry, points expiry).
    try:
        from marketplace.domain_timers import JOBS
    except ImportError:
        JOBS = []
    registered.extend(JOBS)
    return registered


async def run_all(moment: datetime | None = None) -> dict[str, int]:
    moment = moment or datetime.now(UTC)
    done: dict[str, int] = {}
    for name, job in jobs():
        try:
            done[name] = await job(moment)
        except Exception:
            # One failing job must not stop the others; it is retried next tick.
            log.exception("timer job %s failed", name)
            done[name] = -1
    return done

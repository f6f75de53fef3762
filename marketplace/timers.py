"""Periodic work (deadlines, expiries, clean-up), run by the app and by `marketplace tick`.

Each job is written so that running it twice, or from two processes at once, does the work
once: they select due rows and change them with conditional updates inside a transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

from marketplace import idempotency, settings
from marketplace.accounts.tables import LoginAttempt, Session
from marketplace.ledger.expiry import expire_due, warn_expiring
from marketplace.ledger.holds import release_expired_holds
from marketplace.mydata.export import run_jobs as build_exports
from marketplace.mydata.retention import JOBS as RETENTION_JOBS
from marketplace.privacy import access as privacy_access
from marketplace.rewards.service import expire_codes
from marketplace.wishes.timers import JOBS as WISH_JOBS

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
    """Every job, in the order a tick runs them."""
    return [
        ("sessions", purge_sessions),
        ("idempotency_keys", idempotency.purge),
        ("reward_codes", expire_codes),  # before the ledger's safety net for their holds
        ("ledger_holds", release_expired_holds),
        ("points_expiry_warning", warn_expiring),
        ("points_expiry", expire_due),
        *WISH_JOBS,
        ("data_exports", build_exports),
        ("contact_views", privacy_access.purge),
        *RETENTION_JOBS,
    ]


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


async def _tick_forever(interval: int) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await run_all()
        except Exception:
            log.exception("timer tick failed")


@contextlib.asynccontextmanager
async def running(interval: int) -> AsyncIterator[None]:
    """Runs every job each ``interval`` seconds while the app serves (0: never)."""
    task = asyncio.create_task(_tick_forever(interval)) if interval > 0 else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

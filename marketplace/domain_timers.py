"""Timer jobs of the domains, picked up by ``marketplace.timers.jobs()``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from marketplace.ledger.expiry import expire_due, warn_expiring
from marketplace.ledger.holds import release_expired_holds
from marketplace.rewards.service import expire_codes
from marketplace.wishes.timers import JOBS as WISH_JOBS

JOBS: list[tuple[str, Callable[[datetime], Awaitable[int]]]] = [
    ("reward_codes", expire_codes),  # before the ledger's safety net for their holds
    ("ledger_holds", release_expired_holds),
    ("points_expiry_warning", warn_expiring),
    ("points_expiry", expire_due),
    *WISH_JOBS,
]

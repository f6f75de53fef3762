"""Every controller of the site in one list, and the app's background timer task."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from marketplace import settings, timers
from marketplace.accounts.views import (
    AccountController,
    HelperQueueController,
    ProfileController,
)
from marketplace.activities.views import CheckInController, StaffActivityController
from marketplace.care.views import GiveController, StaffCareController
from marketplace.community.views import CommunityController
from marketplace.ledger.views import (
    PointsApiController,
    PointsController,
    StaffPointsController,
)
from marketplace.notifications.views import NotificationController
from marketplace.web.home import HomeController
from marketplace.wishes.views import StaffWishController, WishController

log = logging.getLogger("marketplace")


def handlers() -> list[Any]:
    return [
        HomeController,
        AccountController,
        ProfileController,
        HelperQueueController,
        CommunityController,
        PointsController,
        StaffPointsController,
        PointsApiController,
        WishController,
        StaffWishController,
        NotificationController,
        CheckInController,
        StaffActivityController,
        GiveController,
        StaffCareController,
    ]


async def _tick_forever(interval: int) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await timers.run_all()
        except Exception:
            log.exception("timer tick failed")


@contextlib.asynccontextmanager
async def background_tasks() -> AsyncIterator[None]:
    interval = settings.get().tick_seconds
    task = asyncio.create_task(_tick_forever(interval)) if interval > 0 else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

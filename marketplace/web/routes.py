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
from marketplace.audit.views import AuditController
from marketplace.care.views import GiveController, StaffCareController
from marketplace.community.views import CommunityController
from marketplace.ledger.views import (
    PointsApiController,
    PointsController,
    StaffPointsController,
)
from marketplace.notifications.views import NotificationController
from marketplace.reports.public_views import PublicCommunityController
from marketplace.reports.record_views import ServiceRecordController, VerifyController
from marketplace.reports.views import StaffReportsController
from marketplace.rewards.api import RewardsApiController
from marketplace.rewards.views_merchant import MerchantController
from marketplace.rewards.views_resident import RewardsController
from marketplace.rewards.views_staff import SettlementController, StaffMerchantController
from marketplace.web.home import HomeController, StaffHubController
from marketplace.wishes.api import WishApiController
from marketplace.wishes.media_views import WishMediaController
from marketplace.wishes.staff_views import StaffWishController
from marketplace.wishes.views import WishController

log = logging.getLogger("marketplace")


def handlers() -> list[Any]:
    return [
        HomeController,
        StaffHubController,
        AccountController,
        ProfileController,
        HelperQueueController,
        CommunityController,
        PointsController,
        StaffPointsController,
        PointsApiController,
        WishController,
        StaffWishController,
        WishMediaController,
        WishApiController,
        NotificationController,
        RewardsController,
        MerchantController,
        StaffMerchantController,
        SettlementController,
        RewardsApiController,
        StaffReportsController,
        PublicCommunityController,
        ServiceRecordController,
        VerifyController,
        AuditController,
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

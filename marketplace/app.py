"""create_app(): wires every controller, middleware, templates, error pages, the database
pool and the timer loop."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from litestar import Controller, Litestar
from litestar.config.allowed_hosts import AllowedHostsConfig
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.plugins.htmx import HTMXConfig, HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from marketplace import db, settings, timers
from marketplace.accounts.views import (
    AccountController,
    HelperQueueController,
    ProfileController,
)
from marketplace.activities.views import CheckInController, StaffActivityController
from marketplace.audit.views import AuditController
from marketplace.care.views import (
    GiveController,
    InNeedConsentController,
    StaffCareController,
)
from marketplace.community.views.areas import AreasAdminController
from marketplace.community.views.members import MemberController
from marketplace.community.views.places import CommunityController
from marketplace.community.views.rules import RulesController
from marketplace.ledger.views import (
    PointsApiController,
    PointsController,
    StaffPointsController,
)
from marketplace.mydata.views.close import CloseAccountController, StaffCloseAccountController
from marketplace.mydata.views.export import MyDataController
from marketplace.notifications.views import NotificationController
from marketplace.privacy.views.access import ContactViewController, StaffContactViewController
from marketplace.privacy.views.calendar import CalendarController
from marketplace.privacy.views.notice import NoticeController, OperatorController
from marketplace.privacy.views.requests import (
    PrivacyRequestController,
    StaffPrivacyRequestController,
)
from marketplace.proxies.views import (
    ActivationController,
    ManagedAccountController,
    ProxyController,
)
from marketplace.recovery.views import (
    OfficeController,
    RecoveryController,
    StaffResetController,
)
from marketplace.reports.views.areas import DistrictReportsController, StreetReportsController
from marketplace.reports.views.public import PublicCommunityController
from marketplace.reports.views.record import ServiceRecordController, VerifyController
from marketplace.reports.views.register import CertificateRegisterController
from marketplace.reports.views.reportback import StaffReportbackController, UnitCardsController
from marketplace.reports.views.staff import StaffReportsController
from marketplace.rewards.api import RewardsApiController
from marketplace.rewards.views.merchant import MerchantController
from marketplace.rewards.views.resident import RewardsController
from marketplace.rewards.views.staff import SettlementController, StaffMerchantController
from marketplace.settings import ROOT
from marketplace.web import errors
from marketplace.web.consent_gate import before_request
from marketplace.web.home import HomeController, StaffHubController
from marketplace.web.idempotency import idempotency_middleware
from marketplace.web.identity import auth_middleware
from marketplace.web.offline import OfflineController
from marketplace.web.request import AppRequest
from marketplace.web.security import StrictCSRFMiddleware, add_security_headers
from marketplace.web.templating import configure_jinja
from marketplace.wishes.api import WishApiController
from marketplace.wishes.views.media import WishMediaController
from marketplace.wishes.views.public import PublicWishController
from marketplace.wishes.views.staff import StaffWishController
from marketplace.wishes.views.street import StreetQueueController
from marketplace.wishes.views.wishes import WishController
from marketplace.workunits.views import PortalController, RegistryController


def freeze_what_started() -> None:
    """What the process made to start (modules, routes, templates, the pool) lives as long
    as it does: moved out of the collector's sight, so that a full collection walks only
    what requests made since. Unfrozen, one took 100-200 ms in the middle of requests (a
    write's p99). Once per process: the first app to start freezes."""
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    async with db.lifespan_pool(), timers.running(settings.get().tick_seconds):
        freeze_what_started()
        yield


CONTROLLERS: list[type[Controller]] = [
    HomeController,
    StaffHubController,
    AccountController,
    ProfileController,
    HelperQueueController,
    CommunityController,
    MemberController,
    RulesController,
    PointsController,
    StaffPointsController,
    PointsApiController,
    WishController,
    StaffWishController,
    WishMediaController,
    PublicWishController,
    WishApiController,
    NotificationController,
    RewardsController,
    MerchantController,
    StaffMerchantController,
    SettlementController,
    RewardsApiController,
    StaffReportsController,
    StaffReportbackController,
    UnitCardsController,
    CertificateRegisterController,
    PublicCommunityController,
    ServiceRecordController,
    VerifyController,
    AuditController,
    CheckInController,
    StaffActivityController,
    GiveController,
    StaffCareController,
    InNeedConsentController,
    RecoveryController,
    StaffResetController,
    OfficeController,
    ManagedAccountController,
    ProxyController,
    ActivationController,
    OfflineController,
    MyDataController,
    ContactViewController,
    StaffContactViewController,
    PrivacyRequestController,
    StaffPrivacyRequestController,
    CloseAccountController,
    StaffCloseAccountController,
    RegistryController,
    PortalController,
    NoticeController,
    OperatorController,
    AreasAdminController,
    StreetReportsController,
    DistrictReportsController,
    StreetQueueController,
    CalendarController,
]


def create_app(**overrides: Any) -> Litestar:
    cfg = settings.get()
    return Litestar(
        route_handlers=[
            *CONTROLLERS,
            create_static_files_router(
                path="/static", directories=[ROOT / "static"], name="static",
                cache_control=None, include_in_schema=False,
            ),
        ],
        middleware=[
            # First: who-is-asking's statement and the handler's share one connection.
            db.request_connection,
            auth_middleware,
            idempotency_middleware,
            DefineMiddleware(StrictCSRFMiddleware, config=CSRFConfig(
                secret=cfg.secret_key,
                cookie_secure=cfg.cookie_secure,
                cookie_httponly=True,
                cookie_samesite="lax",
                exclude=["/static/"],
            )),
        ],
        # Links in QR codes and certificates use PUBLIC_URL; this refuses other Host
        # headers too (settings: production defaults to PUBLIC_URL's host).
        allowed_hosts=(AllowedHostsConfig(allowed_hosts=list(cfg.allowed_hosts),
                                          www_redirect=False)
                       if cfg.allowed_hosts else None),
        # HTML is 5-10x smaller gzipped (a phone on a slow network); level 6 costs a
        # fraction of level 9's time for nearly the same size. Photos are compressed
        # already (their handlers set "uncompressed"). BREACH: see security.mask_token.
        compression_config=CompressionConfig(backend="gzip", minimum_size=1024,
                                             gzip_compress_level=6,
                                             exclude_opt_key="uncompressed"),
        request_class=AppRequest,
        plugins=[HTMXPlugin(HTMXConfig(set_request_class_globally=False))],
        before_send=[add_security_headers],
        before_request=before_request,
        template_config=TemplateConfig(
            directory=Path(ROOT / "templates"),
            engine=JinjaTemplateEngine,
            engine_callback=configure_jinja,
        ),
        exception_handlers=errors.HANDLERS,
        lifespan=[lifespan],
        # The schema documents the JSON API only: its controllers set include_in_schema.
        include_in_schema=False,
        openapi_config=OpenAPIConfig(
            title="Micro-wish marketplace API", version="1.0.0", path="/api/schema",
        ),
        debug=False,
        **overrides,
    )


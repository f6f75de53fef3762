"""Piccolo's configuration: the engine from settings, and one app per domain."""

from piccolo.conf.apps import AppRegistry

from marketplace.db import DB

__all__ = ["APP_REGISTRY", "DB"]

APP_REGISTRY = AppRegistry(
    apps=[
        "marketplace.community.piccolo_app",
        "marketplace.accounts.piccolo_app",
        "marketplace.ledger.piccolo_app",
        "marketplace.wishes.piccolo_app",
        "marketplace.notifications.piccolo_app",
        "marketplace.rewards.piccolo_app",
        "marketplace.activities.piccolo_app",
        "marketplace.care.piccolo_app",
        "marketplace.recovery.piccolo_app",
        "marketplace.privacy.piccolo_app",
        "marketplace.reports.piccolo_app",
        "marketplace.idempotency",
    ]
)

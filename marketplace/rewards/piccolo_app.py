from pathlib import Path

from piccolo.conf.apps import AppConfig

from marketplace.rewards.tables import (
    CashierInvite,
    LimitCounter,
    Merchant,
    MerchantMember,
    Offer,
    RedeemAttempt,
    RedeemCode,
    Settlement,
)

APP_CONFIG = AppConfig(
    app_name="rewards",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "rewards"),
    table_classes=[Merchant, MerchantMember, Offer, LimitCounter, RedeemCode, RedeemAttempt,
                   Settlement, CashierInvite],
    migration_dependencies=["marketplace.accounts.piccolo_app"],
)

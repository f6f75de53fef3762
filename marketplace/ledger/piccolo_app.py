from pathlib import Path

from piccolo.conf.apps import AppConfig

from marketplace.ledger.tables import Account, Hold, PendingAdjustment, Transfer

APP_CONFIG = AppConfig(
    app_name="ledger",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "ledger"),
    table_classes=[Account, Transfer, Hold, PendingAdjustment],
    migration_dependencies=[
        "marketplace.community.piccolo_app",
        "marketplace.accounts.piccolo_app",
    ],
)

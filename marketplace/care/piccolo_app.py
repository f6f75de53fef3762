from pathlib import Path

from piccolo.conf.apps import AppConfig

from marketplace.care.tables import InNeed

APP_CONFIG = AppConfig(
    app_name="care",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "care"),
    table_classes=[InNeed],
    migration_dependencies=[
        "marketplace.community.piccolo_app",
        "marketplace.accounts.piccolo_app",
    ],
)

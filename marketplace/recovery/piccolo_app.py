from pathlib import Path

from piccolo.conf.apps import AppConfig

from marketplace.recovery.tables import ResetCode

APP_CONFIG = AppConfig(
    app_name="recovery",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "recovery"),
    table_classes=[ResetCode],
    migration_dependencies=["marketplace.accounts.piccolo_app",
                            "marketplace.community.piccolo_app"],
)

from pathlib import Path

from piccolo.conf.apps import AppConfig

from marketplace.notifications.tables import Notification

APP_CONFIG = AppConfig(
    app_name="notifications",
    migrations_folder_path=str(
        Path(__file__).resolve().parents[2] / "migrations" / "notifications"
    ),
    table_classes=[Notification],
    migration_dependencies=["marketplace.accounts.piccolo_app"],
)

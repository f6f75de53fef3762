from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="reports",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "reports"),
    table_classes=table_finder(modules=["marketplace.reports.tables"], exclude_imported=True),
    migration_dependencies=["marketplace.accounts.piccolo_app",
                            "marketplace.community.piccolo_app"],
)

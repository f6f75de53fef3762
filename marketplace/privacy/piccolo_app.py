from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

# Found by module, so each table added to tables.py is registered without a list to edit.
APP_CONFIG = AppConfig(
    app_name="privacy",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "privacy"),
    table_classes=table_finder(modules=["marketplace.privacy.tables"], exclude_imported=True),
    migration_dependencies=["marketplace.accounts.piccolo_app",
                            "marketplace.community.piccolo_app"],
)

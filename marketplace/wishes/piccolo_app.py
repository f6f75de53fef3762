from pathlib import Path

from piccolo.conf.apps import AppConfig

from marketplace.wishes.tables import Category, Wish, WishClaim, WishEvent

APP_CONFIG = AppConfig(
    app_name="wishes",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "wishes"),
    table_classes=[Category, Wish, WishClaim, WishEvent],
    migration_dependencies=["marketplace.accounts.piccolo_app"],
)

from pathlib import Path

from piccolo.conf.apps import AppConfig

from marketplace.activities.tables import Activity, Participation

APP_CONFIG = AppConfig(
    app_name="activities",
    migrations_folder_path=str(
        Path(__file__).resolve().parents[2] / "migrations" / "activities"
    ),
    table_classes=[Activity, Participation],
    migration_dependencies=[
        "marketplace.community.piccolo_app",
        "marketplace.accounts.piccolo_app",
    ],
)

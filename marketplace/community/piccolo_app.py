from pathlib import Path

from piccolo.conf.apps import AppConfig

from marketplace.community.tables import Building, Community, District, Grid, Street, WorkUnit

APP_CONFIG = AppConfig(
    app_name="community",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "community"),
    table_classes=[District, Street, WorkUnit, Community, Grid, Building],
    migration_dependencies=[],
)

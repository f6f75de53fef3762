from pathlib import Path

from piccolo.conf.apps import AppConfig

from marketplace.accounts.tables import (
    AuditEvent,
    HelperProfile,
    LoginAttempt,
    Session,
    StaffMembership,
    User,
)

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "accounts"),
    table_classes=[User, StaffMembership, HelperProfile, Session, LoginAttempt, AuditEvent],
    migration_dependencies=["marketplace.community.piccolo_app"],
)

from pathlib import Path

from piccolo.conf.apps import AppConfig

from marketplace.accounts.tables import (
    ActivationCode,
    AreaStaffMembership,
    HelperProfile,
    LoginAttempt,
    ProxyLink,
    Session,
    StaffMembership,
    User,
    WorkUnitContact,
)

# The audit table's code lives in the audit package (which imports no domain); its
# migration has always been this app's, so it stays registered here: no new migration.
from marketplace.audit.tables import AuditEvent

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "accounts"),
    table_classes=[User, StaffMembership, HelperProfile, Session, LoginAttempt, AuditEvent,
                   ProxyLink, ActivationCode, AreaStaffMembership, WorkUnitContact],
    migration_dependencies=["marketplace.community.piccolo_app"],
)

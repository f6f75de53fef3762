"""People, their roles and their sessions (the audit trail is ``audit.tables``)."""

from piccolo.columns import (
    Boolean,
    ForeignKey,
    OnDelete,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from marketplace.community.tables import (
    Building,
    Community,
    District,
    Grid,
    Street,
    WorkUnit,
)


class User(Table, tablename="app_user"):
    id = Serial(primary_key=True)
    # A phone number or a chosen username; stored lower-cased.
    login = Varchar(length=64, unique=True)
    display_name = Varchar(length=64)
    password_hash = Varchar(length=255)
    phone = Varchar(length=32, default="")
    address = Varchar(length=200, default="")
    community = ForeignKey(references=Community, on_delete=OnDelete.restrict, index=True)
    grid = ForeignKey(references=Grid, on_delete=OnDelete.restrict, null=True, default=None)
    building = ForeignKey(
        references=Building, on_delete=OnDelete.restrict, null=True, default=None
    )
    language = Varchar(length=5, default="")
    # 长辈版 (elder mode): None = not chosen, so the device's cookie decides.
    elder_mode = Boolean(null=True, default=None)
    is_admin = Boolean(default=False)
    is_active = Boolean(default=True)
    # Residents without a phone have accounts made for them by staff (红色代办).
    managed_by_staff = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)


class StaffMembership(Table, tablename="staff_membership"):
    id = Serial(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    community = ForeignKey(references=Community, on_delete=OnDelete.restrict, index=True)
    # Grid workers (网格员) are scoped to one grid; null means the whole community.
    grid = ForeignKey(references=Grid, on_delete=OnDelete.restrict, null=True, default=None)
    active = Boolean(default=True)
    created_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True)
    created_at = Timestamptz(default=TimestamptzNow())


class AreaStaffMembership(Table, tablename="area_staff_membership"):
    """Street (街道) or district staff: exactly one of ``street`` and ``district`` is set.
    They see roll-ups of the communities below them; street staff work the street's
    escalation queue (街道兜底)."""

    id = Serial(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    street = ForeignKey(references=Street, on_delete=OnDelete.restrict, null=True,
                        default=None, index=True)
    district = ForeignKey(references=District, on_delete=OnDelete.restrict, null=True,
                          default=None, index=True)
    active = Boolean(default=True)
    created_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True)
    created_at = Timestamptz(default=TimestamptzNow())


class WorkUnitContact(Table, tablename="work_unit_contact"):
    """A work unit's contact person: signs in to the work-unit portal and sees only the
    unit's own members."""

    id = Serial(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    work_unit = ForeignKey(references=WorkUnit, on_delete=OnDelete.restrict, index=True)
    active = Boolean(default=True)
    created_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True)
    created_at = Timestamptz(default=TimestamptzNow())


class HelperProfile(Table, tablename="helper_profile"):
    """双报到: a party member (with work unit) or a registered volunteer."""

    id = Serial(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.restrict, unique=True)
    kind = Varchar(length=16)  # party_member | volunteer
    work_unit = Varchar(length=100, default="")  # as typed; the registry's name once picked
    # The registry entry (双报到): the community reports the member's service back to it.
    work_unit_ref = ForeignKey(references=WorkUnit, on_delete=OnDelete.restrict, null=True,
                               default=None, index=True)
    party_branch = Varchar(length=100, default="")
    status = Varchar(length=16, default="pending", index=True)  # pending|verified|declined
    review_note = Varchar(length=300, default="")
    reviewed_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True)
    reviewed_at = Timestamptz(null=True, default=None)
    # Opt-in (PIPL Art. 25): set only through privacy.consents, which records the choice.
    listed_on_honour_roll = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class Session(Table, tablename="web_session"):
    # sha256 of the cookie value: a leaked table does not leak live sessions.
    id = Varchar(length=64, primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(default=TimestamptzNow())
    user_agent = Varchar(length=200, default="")


class LoginAttempt(Table, tablename="login_attempt"):
    id = Serial(primary_key=True)
    # "login:<name>" or "ip:<address>": throttled separately, shared by every process.
    key = Varchar(length=120, index=True)
    at = Timestamptz(default=TimestamptzNow(), index=True)
    success = Boolean(default=False)



class ProxyLink(Table, tablename="proxy_link"):
    """亲友代办: ``proxy`` may act for ``resident`` while the link is active. Links are
    never deleted: a revoked one keeps who added and who ended it, and when."""

    id = Serial(primary_key=True)
    resident = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    proxy = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    active = Boolean(default=True)
    added_by = ForeignKey(references=User, on_delete=OnDelete.restrict)
    added_at = Timestamptz(default=TimestamptzNow())
    revoked_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True,
                            default=None)
    revoked_at = Timestamptz(null=True, default=None)


class ActivationCode(Table, tablename="activation_code"):
    """A staff-issued code with which a managed resident takes over their account. Only
    the sha256 of the code is kept; it works once, until ``expires_at``."""

    id = Serial(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    code_hash = Varchar(length=64, unique=True)
    issued_by = ForeignKey(references=User, on_delete=OnDelete.restrict)
    issued_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)

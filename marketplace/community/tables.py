"""Community → grid → building: where every record of the platform belongs."""

from piccolo.columns import (
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Community(Table, tablename="community"):
    id = Serial(primary_key=True)
    name = Varchar(length=100, unique=True)
    district = Varchar(length=100, default="")
    archived = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    # Rules staff tune per community; the wish and ledger services read them.
    claim_deadline_days = Integer(default=7)
    # The claimer is reminded this many hours before the claim's deadline.
    claim_reminder_hours = Integer(default=24)
    escalation_days = Integer(default=3)
    auto_confirm_days = Integer(default=7)
    min_wish_points = Integer(default=1)
    max_wish_points = Integer(default=100)
    team_size_max = Integer(default=3)
    points_expiry_months = Integer(default=0)
    donation_max_per_month = Integer(default=200)
    donation_max_per_gift = Integer(default=50)
    # A staff adjustment of more points than this waits for a second staff member.
    adjust_approval_over = Integer(default=200)
    # Retention (PIPL Art. 19), in days; 0 keeps. Photos and fulfilment notes of closed
    # wishes count from the day the wish closed; sessions from their sign-in.
    retention_photo_days = Integer(default=180)
    retention_note_days = Integer(default=365)
    retention_session_days = Integer(default=30)
    # Where residents get a password reset code (the "Forgot your password?" page).
    office_place = Varchar(length=200, default="")
    office_phone = Varchar(length=32, default="")
    office_hours = Varchar(length=200, default="")


class Grid(Table, tablename="grid"):
    id = Serial(primary_key=True)
    community = ForeignKey(references=Community, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=100)
    archived = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class Building(Table, tablename="building"):
    id = Serial(primary_key=True)
    grid = ForeignKey(references=Grid, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=100)
    archived = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())

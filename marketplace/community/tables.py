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


class District(Table, tablename="district"):
    """区/县: the top of the optional hierarchy district → street → community. Its
    organisation department follows report-in and completion rates across communities."""

    id = Serial(primary_key=True)
    name = Varchar(length=100, unique=True)
    # The district's yearly target of service hours per on-the-job party member (双报到);
    # 0: no target. Work units see their members below it.
    yearly_target_hours = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class Street(Table, tablename="street"):
    """街道: backs up wishes its communities could not serve (街道兜底)."""

    id = Serial(primary_key=True)
    district = ForeignKey(references=District, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=100)
    created_at = Timestamptz(default=TimestamptzNow())


class WorkUnit(Table, tablename="work_unit"):
    """单位: a registry kept per district. An on-the-job party member belongs to one; the
    community reports the member's service back to it (双报告)."""

    id = Serial(primary_key=True)
    district = ForeignKey(references=District, on_delete=OnDelete.restrict, null=True,
                          default=None, index=True)
    name = Varchar(length=100)
    party_org = Varchar(length=100, default="")  # the unit's party organisation (党组织)
    contact_name = Varchar(length=64, default="")
    contact_phone = Varchar(length=32, default="")
    # How many on-the-job party members the unit declares: the report-in rate's denominator.
    party_members = Integer(default=0)
    # active | requested (a member asked for it to be added; staff accept or merge it)
    status = Varchar(length=16, default="active", index=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Community(Table, tablename="community"):
    id = Serial(primary_key=True)
    name = Varchar(length=100, unique=True)
    district = Varchar(length=100, default="")  # free text from before streets existed
    street = ForeignKey(references=Street, on_delete=OnDelete.restrict, null=True,
                        default=None, index=True)
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

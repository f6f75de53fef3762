"""Micro-wishes (微心愿), their claims and their history."""

from piccolo.columns import (
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from marketplace.accounts.tables import User
from marketplace.community.tables import Building, Community, Grid


class Category(Table, tablename="wish_category"):
    id = Serial(primary_key=True)
    community = ForeignKey(references=Community, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=60)
    default_points = Integer(default=10)
    active = Boolean(default=True)


class Wish(Table, tablename="wish"):
    id = Serial(primary_key=True)
    community = ForeignKey(references=Community, on_delete=OnDelete.restrict, index=True)
    grid = ForeignKey(references=Grid, on_delete=OnDelete.restrict, null=True, default=None)
    building = ForeignKey(references=Building, on_delete=OnDelete.restrict, null=True,
                          default=None)
    owner = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    # Differs from owner when staff or a building leader posted on the resident's behalf.
    posted_by = ForeignKey(references=User, on_delete=OnDelete.restrict)
    category = ForeignKey(references=Category, on_delete=OnDelete.restrict)
    title = Varchar(length=80)
    description = Text(default="")
    photo = Varchar(length=200, default="")
    wished_by = Date(null=True, default=None)
    status = Varchar(length=16, default="pending", index=True)
    points = Integer(default=0)
    team_size = Integer(default=1)
    claim_deadline = Timestamptz(null=True, default=None)
    escalated_at = Timestamptz(null=True, default=None)
    # 街道兜底: community staff sent it to the street (kept after the street acted, so the
    # reports count it); street_status '' | queued | assigned | returned.
    street_escalated_at = Timestamptz(null=True, default=None)
    street_status = Varchar(length=16, default="", index=True)
    reject_reason = Varchar(length=300, default="")
    fulfil_note = Text(default="")
    fulfil_photo = Varchar(length=200, default="")
    hours = Integer(default=0)  # minutes of service reported by the helper(s)
    rating = Integer(null=True, default=None)
    rating_comment = Varchar(length=300, default="")
    dispute_reason = Varchar(length=300, default="")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    updated_at = Timestamptz(default=TimestamptzNow())
    # Seconds in each stage of the closed loop, kept when the wish is confirmed (its
    # history is then final) so the reports' clock need not reduce its events again
    # (``stageclock``); NULL until then, or for a stage it never went through.
    review_seconds = DoublePrecision(null=True, default=None)
    claim_seconds = DoublePrecision(null=True, default=None)
    fulfil_seconds = DoublePrecision(null=True, default=None)
    confirm_seconds = DoublePrecision(null=True, default=None)


class WishClaim(Table, tablename="wish_claim"):
    """One helper on a wish; a team claim has several, ordered by who joined first."""

    id = Serial(primary_key=True)
    wish = ForeignKey(references=Wish, on_delete=OnDelete.restrict, index=True)
    helper = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    joined_at = Timestamptz(default=TimestamptzNow())
    active = Boolean(default=True)
    assigned_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True,
                             default=None)
    # The wish's community (a wish never moves), copied when the claim is written: reports
    # count a community's helpers of a period through the index on (community,
    # joined_at, helper) instead of every claim of the county joined to its wish.
    community = ForeignKey(references=Community, on_delete=OnDelete.restrict, null=True,
                           default=None)


class WishEvent(Table, tablename="wish_event"):
    """Every transition: who, when, from, to, note. Shown as the wish's timeline."""

    id = Serial(primary_key=True)
    wish = ForeignKey(references=Wish, on_delete=OnDelete.restrict, index=True)
    actor = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True, default=None)
    at = Timestamptz(default=TimestamptzNow())
    action = Varchar(length=20)
    from_state = Varchar(length=16)
    to_state = Varchar(length=16)
    note = Varchar(length=500, default="")
    # Set when the actor took the resident's own step for them (a proxy, or staff for a
    # staff-managed account): the timeline says "done for … by …".
    on_behalf_of = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True,
                              default=None)
    # The wish's community (a wish never moves), copied when the event is written: reports
    # read a community's confirmations of a period through the index on (community,
    # to_state, at) instead of every confirmation of the county joined to its wish.
    community = ForeignKey(references=Community, on_delete=OnDelete.restrict, null=True,
                           default=None)


class WishService(Table, tablename="wish_service"):
    """A confirmed wish's service, one row per helper who held its claim when it was
    confirmed, written by the confirming step (``stageclock.keep``) in its transaction.

    Nothing changes a confirmed wish (a terminal state), so these rows only restate its
    history and claims: the honour roll sums a community's period from them through the
    index on (community, confirmed_at, helper, minutes) instead of joining the period's
    confirmations to their wishes and claims. Names and the opt-in are read with the roll."""

    id = Serial(primary_key=True)
    # Unique with the helper (an index in SQL: Piccolo declares no composite ones).
    wish = ForeignKey(references=Wish, on_delete=OnDelete.cascade)
    helper = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    community = ForeignKey(references=Community, on_delete=OnDelete.restrict, null=True,
                           default=None)
    confirmed_at = Timestamptz()  # the confirmation event's moment
    minutes = Integer(default=0)  # the wish's hours (in minutes), 0 when none were given
    action = Varchar(length=20, default="")  # the confirming event's: who confirmed

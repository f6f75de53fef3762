"""Community activities (patrol, clean-up, elderly visits) and who took part in them."""

from piccolo.columns import ForeignKey, Integer, OnDelete, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from marketplace.accounts.tables import User
from marketplace.community.tables import Community


class Activity(Table, tablename="activity"):
    id = Serial(primary_key=True)
    community = ForeignKey(references=Community, on_delete=OnDelete.restrict, index=True)
    title = Varchar(length=100)
    place = Varchar(length=100, default="")
    starts_at = Timestamptz(index=True)
    points = Integer()  # paid to each participant, once
    capacity = Integer(null=True, default=None)  # None = anyone may come
    # Kept with the row and raised by a conditional UPDATE, so a full activity stays full
    # however many people check in at once.
    participants = Integer(default=0)
    # Typed or scanned at the activity; unambiguous characters only (see service.CODE_CHARS).
    code = Varchar(length=12, unique=True)
    created_by = ForeignKey(references=User, on_delete=OnDelete.restrict)
    created_at = Timestamptz(default=TimestamptzNow())


class Participation(Table, tablename="activity_participation"):
    id = Serial(primary_key=True)
    activity = ForeignKey(references=Activity, on_delete=OnDelete.restrict, index=True)
    user = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    # "activity:user": one row per person and activity, even under concurrent check-ins.
    key = Varchar(length=40, unique=True)
    method = Varchar(length=8)  # code | qr | staff
    recorded_by = ForeignKey(references=User, on_delete=OnDelete.restrict)
    transfer_id = Integer()  # the ledger transfer that paid for it
    created_at = Timestamptz(default=TimestamptzNow())

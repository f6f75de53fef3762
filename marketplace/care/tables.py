"""爱心帮扶: residents staff marked "in need", whom others may give points to."""

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

from marketplace.accounts.tables import User
from marketplace.community.tables import Community


class InNeed(Table, tablename="care_in_need"):
    """One row per resident, kept when cleared (who/when stay on record; the audit log has
    every change)."""

    id = Serial(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.restrict, unique=True)
    community = ForeignKey(references=Community, on_delete=OnDelete.restrict, index=True)
    reason = Varchar(length=200)
    # A general category (care.service.CATEGORIES): all givers see of the reason.
    category = Varchar(length=16, default="other")
    active = Boolean(default=True, index=True)
    marked_by = ForeignKey(references=User, on_delete=OnDelete.restrict)
    marked_at = Timestamptz(default=TimestamptzNow())
    cleared_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True,
                            default=None)
    cleared_at = Timestamptz(null=True, default=None)

"""The audit trail of sensitive actions: who did what to what, when, in which community.

Every domain writes to it, so it imports none: its foreign keys name the people and
community tables lazily (Piccolo resolves them on first use). The table stays registered
in the accounts Piccolo app, where its migration has always been.
"""

from piccolo.columns import ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table


class AuditEvent(Table, tablename="audit_event"):
    id = Serial(primary_key=True)
    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor = ForeignKey(
        references=LazyTableReference("User", module_path="marketplace.accounts.tables"),
        on_delete=OnDelete.restrict, null=True)
    community = ForeignKey(
        references=LazyTableReference("Community", module_path="marketplace.community.tables"),
        on_delete=OnDelete.restrict, null=True)
    action = Varchar(length=64, index=True)
    target_type = Varchar(length=32, default="")
    target_id = Integer(default=0)
    detail = Text(default="")

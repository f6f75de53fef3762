"""In-app notifications: what happened to a person's wishes, claims, points and codes.

Every domain sends them, accounts too, so this imports none: the person is named lazily
(Piccolo resolves the table on first use), as the audit table does.
"""

from piccolo.columns import ForeignKey, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table


class Notification(Table, tablename="notification"):
    id = Serial(primary_key=True)
    user = ForeignKey(
        references=LazyTableReference("User", module_path="marketplace.accounts.tables"),
        on_delete=OnDelete.cascade, index=True)
    # A key of notifications.messages.MESSAGES; the text is rendered in the reader's
    # language when shown, not in the sender's when sent.
    kind = Varchar(length=40)
    params = Text(default="{}")  # JSON object of the message's placeholders
    link = Varchar(length=200, default="")
    # Set by senders that must say something only once (e.g. "deadline in 24 h").
    dedupe_key = Varchar(length=120, null=True, default=None, unique=True)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    read_at = Timestamptz(null=True, default=None)

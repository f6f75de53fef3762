"""Tables of the privacy domain (consents, contact views, requests, export jobs)."""

from piccolo.columns import ForeignKey, Integer, OnDelete, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from marketplace.accounts.tables import User


class ExportJob(Table, tablename="privacy_export_job"):
    """A "Download my data" too large to make during the request: the timer job writes the
    file under the data folder, the person downloads it from Me until ``expires_at``.
    Rows, not memory, carry the state, so any app process can serve the download."""

    id = Serial(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    requested_by = ForeignKey(references=User, on_delete=OnDelete.restrict)
    status = Varchar(length=16, default="pending", index=True)  # pending|ready|expired
    # Set by the timer that builds it; one older than a few minutes is taken over (its
    # process died), so a job is never stuck.
    claimed_at = Timestamptz(null=True, default=None)
    file_name = Varchar(length=80, default="")  # under VAR_DIR/exports
    rows = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    ready_at = Timestamptz(null=True, default=None)
    expires_at = Timestamptz(null=True, default=None)

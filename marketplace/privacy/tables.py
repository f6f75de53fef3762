"""Tables of the privacy domain (consents, contact views, requests, export jobs)."""

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from marketplace.accounts.tables import User
from marketplace.community.tables import Community


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


class ContactView(Table, tablename="contact_view"):
    """One showing of a resident's phone and/or unit/room to someone else (issue 16 item
    7; Cybersecurity Law Art. 21: kept at least 6 months, see ``access.purge``)."""

    id = Serial(primary_key=True)
    resident = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    viewer = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    viewer_role = Varchar(length=16)  # claimer | staff | admin (``access.ROLES``)
    context = Varchar(length=16)  # where it was shown (``access.CONTEXTS``)
    # No foreign key: privacy sits below the wishes domain (a plain number, for the link).
    wish_id = Integer(null=True, default=None)
    fields = Varchar(length=32)  # "phone", "address" or "phone,address"
    at = Timestamptz(default=TimestamptzNow(), index=True)


class PrivacyRequest(Table, tablename="privacy_request"):
    """A question or complaint about personal information (PIPL Art. 50), answered by
    staff of the person's community within 15 working days (``workdays``)."""

    id = Serial(primary_key=True)
    person = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    community = ForeignKey(references=Community, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=16)  # ``requests.KINDS``
    text = Varchar(length=2000)
    contact_preference = Varchar(length=200, default="")
    status = Varchar(length=16, default="open", index=True)  # open | answered
    created_at = Timestamptz(default=TimestamptzNow())
    due_on = Date()
    answer = Varchar(length=4000, default="")
    answered_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True,
                             default=None)
    answered_at = Timestamptz(null=True, default=None)
class Consent(Table, tablename="privacy_consent"):
    """One row per choice a person made (PIPL Art. 14-16): the privacy notice, the public
    honour roll, being listed as in need. Rows are never deleted; the newest row of a kind
    is the person's current choice, and a withdrawal stamps ``withdrawn_at`` on it."""

    id = Serial(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    community = ForeignKey(references=Community, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=16, index=True)  # notice | honour_roll | in_need
    version = Varchar(length=16)  # the privacy notice's VERSION the choice was made under
    agreed = Boolean(default=True)  # False: a recorded "no" (the honour roll's choice)
    # What was agreed to, in the words shown (in need: category, reason and effect).
    purpose = Varchar(length=400, default="")
    given_by = Varchar(length=8, default="self")  # self | proxy: whose consent it is
    recorded_by = ForeignKey(references=User, on_delete=OnDelete.restrict)
    recorded_as = Varchar(length=8, default="self")  # self | proxy | staff
    given_at = Timestamptz(default=TimestamptzNow())
    withdrawn_at = Timestamptz(null=True, default=None)
    withdrawn_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True,
                              default=None)


class Operator(Table, tablename="privacy_operator"):
    """Who runs a community's site (PIPL Art. 17: the handler's name and contact), set
    by the community's staff or an administrator and shown in the privacy notice."""

    id = Serial(primary_key=True)
    community = ForeignKey(references=Community, on_delete=OnDelete.restrict, unique=True)
    name = Varchar(length=100)
    contact = Varchar(length=200)
    updated_by = ForeignKey(references=User, on_delete=OnDelete.restrict)
    updated_at = Timestamptz(default=TimestamptzNow())


class CalendarDay(Table, tablename="privacy_calendar_day"):
    """A day that is not what its weekday says, as the State Council's yearly notice
    sets: a public holiday on a weekday (``working`` false) or a make-up working weekend
    (调休, ``working`` true). Counted by ``workdays`` for the 15-working-day answer."""

    id = Serial(primary_key=True)
    day = Date(unique=True)
    working = Boolean(default=False)
    name = Varchar(length=40, default="")  # 国庆节, 春节调休上班…
    set_by = ForeignKey(references=User, on_delete=OnDelete.restrict)
    set_at = Timestamptz(default=TimestamptzNow())

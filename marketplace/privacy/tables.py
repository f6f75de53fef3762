"""Tables of the privacy domain (consents, contact views, requests, export jobs)."""

from piccolo.columns import Boolean, ForeignKey, OnDelete, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from marketplace.accounts.tables import User
from marketplace.community.tables import Community


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

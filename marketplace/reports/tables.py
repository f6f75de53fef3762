"""What the reports keep: service cards as sent (双报告) and the certificate register.

Everything else the reports show is computed from the ledger and the wish history. A card
or a certificate, once handed out, must keep saying what it said: its figures are stored
as issued (JSON text, the same on SQLite and PostgreSQL), and later corrections to the
records do not change them.
"""

from piccolo.columns import (
    Date,
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
from marketplace.community.tables import Community, WorkUnit


class ServiceCard(Table, tablename="service_card"):
    """One member's quarterly service card or yearly evaluation sheet: drafted (a comment
    written), then sent (frozen). No row: the card is due."""

    id = Serial(primary_key=True)
    # "<period>:<community>:<member>": one card per member, community and period (Piccolo
    # has no composite unique constraint).
    key = Varchar(length=64, unique=True)
    community = ForeignKey(references=Community, on_delete=OnDelete.restrict, index=True)
    member = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    period = Varchar(length=8, index=True)  # "2026-Q3" (a quarter) or "2026" (a year)
    comment = Text(default="")
    grade = Varchar(length=16, default="")  # yearly sheets: excellent|good|fair|poor
    status = Varchar(length=16, default="drafted", index=True)  # drafted | sent
    # Filled when sent: the work unit it went to and the figures as issued.
    work_unit = ForeignKey(references=WorkUnit, on_delete=OnDelete.restrict, null=True,
                           default=None, index=True)
    work_unit_name = Varchar(length=100, default="")
    figures = Text(default="")
    drafted_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True)
    drafted_at = Timestamptz(default=TimestamptzNow())
    sent_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True)
    sent_at = Timestamptz(null=True, default=None)


class VolunteerIdentity(Table, tablename="volunteer_identity"):
    """What a statutory certificate prints about the person beyond their name: an ID type,
    the ID number already masked (the full number is never stored), and the volunteer
    number of the national volunteer system (全国志愿服务信息系统) if they have one."""

    id = Serial(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.restrict, unique=True)
    id_type = Varchar(length=16, default="")
    id_number = Varchar(length=32, default="")  # masked, e.g. 3301**********1234
    volunteer_number = Varchar(length=40, default="")
    updated_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True)
    updated_at = Timestamptz(default=TimestamptzNow())


class IssuedCertificate(Table, tablename="issued_certificate"):
    """The register of statutory service certificates (志愿服务证明), as issued."""

    id = Serial(primary_key=True)
    number = Varchar(length=40, unique=True)  # "<community>-<year>-<sequence>"
    community = ForeignKey(references=Community, on_delete=OnDelete.restrict, index=True)
    year = Integer()
    sequence = Integer()
    person = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    person_name = Varchar(length=64)
    first_day = Date()
    last_day = Date()
    figures = Text(default="")  # JSON: identity, issuer and figures as printed
    notes = Varchar(length=300, default="")
    issuer = ForeignKey(references=User, on_delete=OnDelete.restrict)
    issued_at = Timestamptz(default=TimestamptzNow())
    revoked_at = Timestamptz(null=True, default=None)
    revoked_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True)
    revoke_reason = Varchar(length=300, default="")

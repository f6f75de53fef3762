"""The points ledger: accounts with cached balances, append-only transfers, holds, and
staff adjustments waiting for a second pair of eyes.

Only ``marketplace.ledger.service`` writes these tables. Transfers are never updated or
deleted: a mistake is corrected by a reversing transfer that names the original.
"""

from piccolo.columns import (
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


class Account(Table, tablename="ledger_account"):
    id = Serial(primary_key=True)
    # person | merchant | issuance | expired | settled
    kind = Varchar(length=16)
    community = ForeignKey(references=Community, on_delete=OnDelete.restrict, index=True)
    owner = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True, default=None,
                       index=True)
    merchant_id = Integer(null=True, default=None)  # merchants arrive later; no FK yet
    # "kind:community:owner-or-merchant": Piccolo has no composite unique constraint, and a
    # NULL owner would escape one anyway, so uniqueness lives in one derived column.
    key = Varchar(length=64, unique=True)
    # Caches, changed in the same transaction as every transfer / hold that touches them.
    balance = Integer(default=0)
    held = Integer(default=0)
    # Issuance only: the most points it may have in circulation (None = unlimited).
    budget = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Transfer(Table, tablename="ledger_transfer"):
    id = Serial(primary_key=True)
    debit = ForeignKey(references=Account, on_delete=OnDelete.restrict, index=True)
    credit = ForeignKey(references=Account, on_delete=OnDelete.restrict, index=True)
    amount = Integer()  # always > 0; direction is debit → credit
    # award | activity | donate | hold | redeem | release | settle | expire | adjust | reverse
    kind = Varchar(length=16, index=True)
    reference = Varchar(length=64, default="")  # e.g. "wish:12"
    actor = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True, default=None)
    memo = Varchar(length=300, default="")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    # The same key twice yields the same single transfer (see service.transfer).
    idempotency_key = Varchar(length=128, unique=True)
    content_hash = Varchar(length=64)
    # Unique: a transfer is reversed at most once, even under concurrent requests.
    reverses = ForeignKey(references="self", on_delete=OnDelete.restrict, null=True,
                          default=None, unique=True)
    # The community of both accounts (points never leave theirs), copied when the transfer
    # is written: reports read a community's period through the index on (community,
    # created_at) instead of joining every transfer of the county to its accounts.
    community = ForeignKey(references=Community, on_delete=OnDelete.restrict, null=True,
                           default=None)


class Hold(Table, tablename="ledger_hold"):
    id = Serial(primary_key=True)
    account = ForeignKey(references=Account, on_delete=OnDelete.restrict, index=True)
    amount = Integer()
    reference = Varchar(length=64, default="")  # what the points are held for
    status = Varchar(length=16, default="held", index=True)  # held | posted | released
    expires_at = Timestamptz(index=True)
    idempotency_key = Varchar(length=128, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    closed_at = Timestamptz(null=True, default=None)


class PendingAdjustment(Table, tablename="ledger_pending_adjustment"):
    """A staff adjustment above the community's threshold, waiting for another staff
    member (or an administrator) to approve it; approval posts the transfer."""

    id = Serial(primary_key=True)
    community = ForeignKey(references=Community, on_delete=OnDelete.restrict, index=True)
    member = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    amount = Integer()  # signed: negative takes points away
    reason = Varchar(length=300)
    requested_by = ForeignKey(references=User, on_delete=OnDelete.restrict)
    # The form's key: a double click files one request.
    idempotency_key = Varchar(length=128, unique=True)
    status = Varchar(length=16, default="pending", index=True)  # pending|approved|declined
    decided_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True,
                            default=None)
    decided_at = Timestamptz(null=True, default=None)
    transfer_id = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())

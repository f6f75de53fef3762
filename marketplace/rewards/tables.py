"""Points exchange (积分兑换): partner merchants, their offers, one-time codes, settlements."""

from piccolo.columns import (
    Boolean,
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
from marketplace.community.tables import Community


class Merchant(Table, tablename="merchant"):
    id = Serial(primary_key=True)
    community = ForeignKey(references=Community, on_delete=OnDelete.restrict, index=True)
    owner = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=80)
    address = Varchar(length=200, default="")
    opening_hours = Varchar(length=120, default="")
    contact = Varchar(length=64, default="")
    description = Text(default="")
    logo = Varchar(length=80, default="")  # file name under UPLOAD_DIR/rewards
    status = Varchar(length=16, default="pending", index=True)  # pending|verified|declined
    review_note = Varchar(length=300, default="")
    reviewed_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True,
                             default=None)
    reviewed_at = Timestamptz(null=True, default=None)
    # The agreed conversion for settlement: how many points make one yuan.
    points_per_yuan = Integer(default=10)
    created_at = Timestamptz(default=TimestamptzNow())


class MerchantMember(Table, tablename="merchant_member"):
    """A login that may act for a merchant: its owner, or a cashier the owner added."""

    id = Serial(primary_key=True)
    merchant = ForeignKey(references=Merchant, on_delete=OnDelete.restrict, index=True)
    user = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    role = Varchar(length=16, default="cashier")  # owner | cashier
    # "merchant:user": Piccolo has no composite unique constraint.
    key = Varchar(length=40, unique=True)
    added_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True,
                          default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class CashierInvite(Table, tablename="merchant_cashier_invite"):
    """The owner's invitation to work as a cashier: the person becomes a member (a
    ``MerchantMember`` row) only when they accept it."""

    id = Serial(primary_key=True)
    merchant = ForeignKey(references=Merchant, on_delete=OnDelete.restrict, index=True)
    user = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    invited_by = ForeignKey(references=User, on_delete=OnDelete.restrict)
    status = Varchar(length=16, default="pending")  # pending | accepted | declined
    # "merchant:user": one invitation per person and shop, sent again by resetting it.
    key = Varchar(length=40, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    decided_at = Timestamptz(null=True, default=None)


class Offer(Table, tablename="merchant_offer"):
    id = Serial(primary_key=True)
    merchant = ForeignKey(references=Merchant, on_delete=OnDelete.restrict, index=True)
    title = Varchar(length=80)
    description = Text(default="")
    photo = Varchar(length=80, default="")
    price = Integer()
    # A key of rewards.offers.CATEGORIES; residents filter the catalogue by it.
    category = Varchar(length=16, default="other", index=True)
    # Items not yet promised to a code; NULL = unlimited. A code takes one when issued
    # (conditional UPDATE) and gives it back when cancelled or expired.
    stock_left = Integer(null=True, default=None)
    sold = Integer(default=0)
    limit_count = Integer(null=True, default=None)  # per person per period; NULL = none
    limit_period = Varchar(length=8, default="month")  # day | week | month
    valid_from = Date(null=True, default=None)
    valid_to = Date(null=True, default=None)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class LimitCounter(Table, tablename="offer_limit_counter"):
    """Codes a person holds for an offer in one period; raised with a conditional UPDATE
    (``used < limit``) so simultaneous requests cannot pass the limit on any database."""

    id = Serial(primary_key=True)
    key = Varchar(length=80, unique=True)  # "offer:user:period"
    used = Integer(default=0)


class RedeemCode(Table, tablename="redeem_code"):
    id = Serial(primary_key=True)
    code = Varchar(length=16, unique=True)
    offer = ForeignKey(references=Offer, on_delete=OnDelete.restrict, index=True)
    merchant = ForeignKey(references=Merchant, on_delete=OnDelete.restrict, index=True)
    resident = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    price = Integer()
    hold_id = Integer()  # ledger Hold row (the ledger owns it; no FK across domains)
    limit_key = Varchar(length=80, default="")
    # active | redeemed | cancelled | expired
    status = Varchar(length=16, default="active", index=True)
    expires_at = Timestamptz(index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    closed_at = Timestamptz(null=True, default=None)
    redeemed_at = Timestamptz(null=True, default=None, index=True)
    cashier = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True,
                         default=None)
    transfer_id = Integer(null=True, default=None)
    settlement_id = Integer(null=True, default=None, index=True)


class RedeemAttempt(Table, tablename="redeem_attempt"):
    """Wrong codes typed by a merchant member: throttled across processes."""

    id = Serial(primary_key=True)
    key = Varchar(length=40, index=True)  # "merchant:user"
    at = Timestamptz(default=TimestamptzNow(), index=True)


class Settlement(Table, tablename="merchant_settlement"):
    id = Serial(primary_key=True)
    merchant = ForeignKey(references=Merchant, on_delete=OnDelete.restrict, index=True)
    community = ForeignKey(references=Community, on_delete=OnDelete.restrict, index=True)
    period_start = Date()
    period_end = Date()  # inclusive
    points = Integer()
    redemptions = Integer(default=0)
    points_per_yuan = Integer()
    amount_fen = Integer()  # what the community pays, in fen (1/100 yuan)
    status = Varchar(length=16, default="closed")  # closed | paid
    transfer_id = Integer(null=True, default=None)
    created_by = ForeignKey(references=User, on_delete=OnDelete.restrict)
    created_at = Timestamptz(default=TimestamptzNow())
    paid_at = Timestamptz(null=True, default=None)
    paid_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True,
                         default=None)
    paid_note = Varchar(length=200, default="")

"""Which movements the ledger allows: pure data and functions, no database or web code."""

from __future__ import annotations

import calendar
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from marketplace.i18n import N_, _

PERSON = "person"
MERCHANT = "merchant"
ISSUANCE = "issuance"
EXPIRED = "expired"
SETTLED = "settled"
ACCOUNT_KINDS = (PERSON, MERCHANT, ISSUANCE, EXPIRED, SETTLED)
# Sinks and issuance exist once per community and have no owner.
COMMUNITY_ACCOUNTS = (ISSUANCE, EXPIRED, SETTLED)

TRANSFER_KINDS = (
    "award", "activity", "donate", "hold", "redeem", "release", "settle", "expire",
    "adjust", "reverse",
)
# What the statement page and its CSV call each kind (translated when shown).
KIND_NAMES: dict[str, str] = {
    "award": N_("Wish award"), "activity": N_("Activity"), "donate": N_("Gift"),
    "hold": N_("Hold"), "redeem": N_("Redeemed"), "release": N_("Released"),
    "settle": N_("Settlement"), "expire": N_("Expired"), "adjust": N_("Adjustment"),
    "reverse": N_("Reversal"),
}


def kind_name(kind: str) -> str:
    return _(KIND_NAMES[kind]) if kind in KIND_NAMES else kind

# (debit kind, credit kind) pairs each transfer kind may move points between. "hold" and
# "release" are recorded on Hold rows (points stay in the account), so no pair here;
# "reverse" mirrors whatever it reverses and is checked against the original instead.
ALLOWED: dict[str, frozenset[tuple[str, str]]] = {
    "award": frozenset({(ISSUANCE, PERSON)}),
    "activity": frozenset({(ISSUANCE, PERSON)}),
    "donate": frozenset({(PERSON, PERSON)}),
    "hold": frozenset(),
    "redeem": frozenset({(PERSON, MERCHANT)}),
    "release": frozenset(),
    "settle": frozenset({(MERCHANT, SETTLED)}),
    "expire": frozenset({(PERSON, EXPIRED)}),
    "adjust": frozenset({(ISSUANCE, PERSON), (PERSON, ISSUANCE),
                         (ISSUANCE, MERCHANT), (MERCHANT, ISSUANCE)}),
    "reverse": frozenset(),
}


def may_move(kind: str, debit_kind: str, credit_kind: str) -> bool:
    """Whether a transfer of ``kind`` may go from a ``debit_kind`` to a ``credit_kind``."""
    if kind == "reverse":
        return debit_kind in ACCOUNT_KINDS and credit_kind in ACCOUNT_KINDS
    return (debit_kind, credit_kind) in ALLOWED.get(kind, frozenset())


def may_go_negative(account_kind: str) -> bool:
    # Issuance is minus the points in circulation; every other account holds real points.
    return account_kind == ISSUANCE


def may_reverse(kind: str) -> bool:
    # Reversing a reversal would re-open a closed correction: post a fresh transfer instead.
    return kind != "reverse"


def within_budget(issuance_balance: int, amount: int, budget: int | None) -> bool:
    """The budget caps the points in circulation (minus the issuance balance)."""
    return budget is None or -(issuance_balance - amount) <= budget


def signed(amount: int, account_id: int, debit_id: int, credit_id: int) -> int:
    """The transfer's effect on one account: + when credited, - when debited."""
    if debit_id == credit_id:
        return 0
    if credit_id == account_id:
        return amount
    if debit_id == account_id:
        return -amount
    return 0


# --- references: what caused a transfer --------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """A transfer's reference, "kind:rest" ("wish:12", "code:ABCDEFGH", "user:5").

    The ledger only stores it; the domain that caused the transfer wrote it, and the
    statement pages turn it into words (``marketplace.references``)."""

    kind: str
    number: int | None  # the id after the colon, when it is one
    rest: str  # everything after the first colon


def parse_reference(reference: str | None) -> Reference:
    prefix, _sep, rest = (reference or "").partition(":")
    head = rest.split(":", 1)[0]
    return Reference(prefix, int(head) if head.isdigit() and len(head) < 10 else None, rest)


def account_key(kind: str, community_id: int, owner_id: int | None = None,
                merchant_id: int | None = None) -> str:
    if kind == PERSON:
        return f"person:{community_id}:{owner_id}"
    if kind == MERCHANT:
        return f"merchant:{community_id}:{merchant_id}"
    return f"{kind}:{community_id}"


# --- expiry: points are spent oldest first (FIFO) ----------------------------------------


@dataclass
class Lot:
    """Points that came in with one transfer, and how many of them are still unspent."""

    transfer_id: int
    at: datetime
    remaining: int


Moment = TypeVar("Moment", datetime, date)


def add_months(moment: Moment, months: int) -> Moment:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month,
                          day=min(moment.day, calendar.monthrange(year, month)[1]))


def open_lots(flows: Iterable[tuple[int, datetime, int]]) -> list[Lot]:
    """The unspent lots of an account from its signed changes ``(id, at, change)``, oldest
    first: every inflow is a lot; every outflow consumes the oldest lots first."""
    lots: deque[Lot] = deque()
    for transfer_id, at, change in flows:
        if change > 0:
            lots.append(Lot(transfer_id, at, change))
        else:
            _consume(lots, -change)
    return list(lots)


def _consume(lots: deque[Lot], amount: int) -> None:
    while amount > 0 and lots:
        taken = min(amount, lots[0].remaining)
        lots[0].remaining -= taken
        amount -= taken
        if lots[0].remaining == 0:
            lots.popleft()


def _after_holds(lots: list[Lot], held: int) -> list[Lot]:
    # Held points are about to be spent, so they come out of the oldest lots: expiry never
    # takes points that a hold has set aside.
    rest = deque(Lot(lot.transfer_id, lot.at, lot.remaining) for lot in lots)
    _consume(rest, held)
    return list(rest)


def expiry_schedule(lots: list[Lot], held: int, months: int) -> list[tuple[datetime, int]]:
    """When the unheld points expire: ``(moment, points)`` oldest first (none if months=0)."""
    if months <= 0:
        return []
    return [(add_months(lot.at, months), lot.remaining) for lot in _after_holds(lots, held)]


def newest_due_before(moment: datetime, months: int) -> datetime:
    """An instant every lot that has expired by ``moment`` (``add_months(at, months) <=
    moment``) came in before: lots at or after it are certainly not due yet.

    Exact to the day: ``add_months`` clamps the day (31 Jan + 1 → 28 Feb) but keeps the
    time, so it orders days but not the instants within one; the boundary is the end of
    the last day whose lots may be due. ``moment`` is in UTC, like stored times."""
    target = moment.astimezone(UTC)
    day = add_months(target, -months).date() + timedelta(days=31)  # surely not yet due
    while add_months(day, months) > target.date():
        day -= timedelta(days=1)
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)


def due_to_expire(lots: list[Lot], held: int, months: int,
                  moment: datetime) -> tuple[int, int | None]:
    """Points whose time is up at ``moment`` and the newest lot they come from."""
    amount, last = 0, None
    if months <= 0:
        return 0, None
    for lot in _after_holds(lots, held):
        if add_months(lot.at, months) > moment:
            break  # lots are in time order, so every later lot is younger still
        amount, last = amount + lot.remaining, lot.transfer_id
    return amount, last

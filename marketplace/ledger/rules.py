"""Which movements the ledger allows: pure data and functions, no database or web code."""

from __future__ import annotations

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


def account_key(kind: str, community_id: int, owner_id: int | None = None,
                merchant_id: int | None = None) -> str:
    if kind == PERSON:
        return f"person:{community_id}:{owner_id}"
    if kind == MERCHANT:
        return f"merchant:{community_id}:{merchant_id}"
    return f"{kind}:{community_id}"

"""A transfer's balance updates, for ``service.transfer`` (the only caller): a debit kept
within the account's limit, a credit, and the transfer's key checked by the first of the
two, each one statement with SQL written once (Piccolo took longer to build each update
than SQLite to run it)."""

from __future__ import annotations

from typing import Any

from marketplace import quickread
from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.ledger import rules
from marketplace.ledger.tables import Transfer


class InsufficientPoints(DomainError):
    """The debit would take an account below what it has available."""


# A debit keeps an issuance account within its budget and any other account within what
# it has available (not held).
_BALANCE = "UPDATE ledger_account SET balance = balance + {} WHERE id = {}"
_WITHIN_BUDGET = " AND (budget IS NULL OR balance - {} >= -budget)"
_AVAILABLE = " AND balance - held >= {}"
# The first balance update of a transfer also checks that its key is still unused, so a
# new transfer asks no separate question first (a replay changes nothing and is answered
# from the transfer already posted).
_KEY_UNUSED = (" AND NOT EXISTS (SELECT 1 FROM ledger_transfer t"
               " WHERE t.idempotency_key = {})")


class KeyUsed(Exception):
    """The transfer's key is already taken: nothing was changed."""


_LIMITS = {"": "", "budget": _WITHIN_BUDGET, "available": _AVAILABLE}


async def change_balance(account_id: int, delta: int, limit: str = "",
                         key: str | None = None) -> bool:
    """Add ``delta`` to the account's balance if, for a debit of ``-delta``, ``limit``
    still holds ("budget": an issuance account's budget, "available": balance less held;
    "": none) and, with ``key``, no transfer has that key yet; True when it did."""
    sql = (_BALANCE + _LIMITS[limit] + (_KEY_UNUSED if key is not None else "")
           + " RETURNING id")
    args = [delta, account_id, *([-delta] if limit else []),
            *([key] if key is not None else [])]
    return bool(await quickread.run(sql, *args))


async def debit(account: dict[str, Any], amount: int, key: str | None) -> None:
    if rules.may_go_negative(account["kind"]):
        limit = "budget"
        failure = DomainError(_("The community's points budget is used up: this award would "
                                "exceed it. Ask an administrator to raise the budget."))
    else:
        limit = "available"
        failure = InsufficientPoints(_("Not enough points available for this."))
    if not await change_balance(account["id"], -amount, limit, key):
        if key is not None and await key_used(key):
            raise KeyUsed()
        raise failure


async def credit(account: dict[str, Any], amount: int, key: str | None) -> None:
    if not await change_balance(account["id"], amount, key=key):
        raise KeyUsed()


async def key_used(key: str) -> bool:
    """Is there a transfer with this key already?"""
    return await Transfer.exists().where(Transfer.idempotency_key == key)

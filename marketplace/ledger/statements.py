"""A person's statement a page at a time, newest first (the points page): the balance
after each line comes from the account's stored balance, walking back over the transfers
newer than the page's oldest line, instead of summing the whole history from the first.

The CSV and the API still read every line (``service.statement``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marketplace import paging
from marketplace.ledger import rules
from marketplace.ledger.service import (
    LINE_COLUMNS,
    as_line,
    community_of_user,
    existing_person_account,
)
from marketplace.ledger.tables import Transfer

PAGE_LINES = 50

# The account's transfers from an id on, newest first, each with the account's stored
# balance: one statement, so the balance and the rows are one snapshot (a transfer written
# meanwhile is in both or in neither). Hand written for the balance beside each row.
TAIL_SQL = """
SELECT t.id, t.debit, t.credit, t.amount, t.reverses, a.balance
FROM ledger_transfer t JOIN ledger_account a ON a.id = {}
WHERE (t.debit = {} OR t.credit = {}) AND t.id >= {}
ORDER BY t.id DESC
"""


async def balances_after(account_id: int, first_id: int) -> tuple[dict[int, int], set[int]]:
    """For each of the account's transfers from ``first_id`` on: the balance right after
    it; and which of them were reversed (a reversal comes after what it reverses)."""
    rows = await Transfer.raw(TAIL_SQL, account_id, account_id, account_id, first_id)
    after: dict[int, int] = {}
    reversed_ids: set[int] = set()
    running = int(rows[0]["balance"]) if rows else 0
    for row in rows:
        after[int(row["id"])] = running
        running -= rules.signed(int(row["amount"]), account_id, int(row["debit"]),
                                int(row["credit"]))
        if row["reverses"] is not None:
            reversed_ids.add(int(row["reverses"]))
    return after, reversed_ids


async def page(user_id: int, kind: str | None = None, date_from: datetime | None = None,
               date_to: datetime | None = None, before: int | None = None,
               size: int = PAGE_LINES) -> paging.Page:
    """The newest ``size`` lines older than ``before`` that match the filters, as
    ``service.statement`` gives them."""
    account = await existing_person_account(user_id)
    if account is None:
        await community_of_user(user_id)  # NotFound for nobody; no account, no lines
        return paging.Page([], None)
    account_id = int(account["id"])
    where: Any = (Transfer.debit == account_id) | (Transfer.credit == account_id)
    if kind:
        where &= Transfer.kind == kind
    if date_from:
        where &= Transfer.created_at >= date_from
    if date_to:
        where &= Transfer.created_at < date_to
    found = await paging.newest_first(Transfer.select(*LINE_COLUMNS).where(where),
                                      Transfer.id, before, size)
    if found.rows:
        after, reversed_ids = await balances_after(account_id, found.rows[-1]["id"])
        for row in found.rows:
            as_line(row, account_id, after[row["id"]], row["id"] in reversed_ids)
    return found

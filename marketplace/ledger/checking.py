"""Read-only verification of the whole ledger (``marketplace ledger check``).

Kept apart from the service that writes: it recomputes everything from the entries and
compares with the cached balances, so it must not share code paths with the writers.
"""

from __future__ import annotations

from typing import Any

from marketplace.ledger import rules
from marketplace.ledger.tables import Account, Hold, Transfer


async def counts() -> dict[str, int]:
    return {
        "accounts": await Account.count(),
        "transfers": await Transfer.count(),
        "holds": await Hold.count().where(Hold.status == "held"),
    }


async def check() -> list[str]:
    """Every invariant over the whole ledger; one line per breach (empty when healthy)."""
    breaches: list[str] = []
    accounts = await Account.select()
    transfers = await Transfer.select(
        Transfer.id, Transfer.debit, Transfer.credit, Transfer.amount, Transfer.kind,
        Transfer.reverses, Transfer.community,
    )
    open_holds = await Hold.select(Hold.account, Hold.amount).where(Hold.status == "held")
    entries: dict[int, int] = {}
    by_id: dict[int, dict[str, Any]] = {}
    reversed_count: dict[int, int] = {}
    for t in transfers:
        by_id[t["id"]] = t
        if t["amount"] <= 0:
            breaches.append(f"transfer {t['id']}: amount {t['amount']} is not above zero")
        entries[t["debit"]] = entries.get(t["debit"], 0) - t["amount"]
        entries[t["credit"]] = entries.get(t["credit"], 0) + t["amount"]
        if t["reverses"] is not None:
            reversed_count[t["reverses"]] = reversed_count.get(t["reverses"], 0) + 1
    held: dict[int, int] = {}
    for h in open_holds:
        held[h["account"]] = held.get(h["account"], 0) + h["amount"]
    total = 0
    for a in accounts:
        aid, bal = a["id"], a["balance"]
        total += bal
        if bal != entries.get(aid, 0):
            breaches.append(f"account {aid} ({a['key']}): cached balance {bal} != "
                            f"sum of entries {entries.get(aid, 0)}")
        if a["held"] != held.get(aid, 0):
            breaches.append(f"account {aid} ({a['key']}): held {a['held']} != "
                            f"open holds {held.get(aid, 0)}")
        if bal < 0 and not rules.may_go_negative(a["kind"]):
            breaches.append(f"account {aid} ({a['key']}): negative balance {bal}")
        if not rules.may_go_negative(a["kind"]) and bal - a["held"] < 0:
            breaches.append(f"account {aid} ({a['key']}): available {bal - a['held']} < 0")
    if total != 0:
        breaches.append(f"sum of all balances is {total}, not 0")
    breaches += _community_breaches(transfers, {a["id"]: a["community"] for a in accounts})
    for original_id, n in sorted(reversed_count.items()):
        original = by_id.get(original_id)
        if original is None:
            breaches.append(f"a reversal names transfer {original_id}, which does not exist")
        elif n > 1:
            breaches.append(f"transfer {original_id} is reversed {n} times")
    for t in transfers:
        if t["reverses"] is None or t["reverses"] not in by_id:
            continue
        original = by_id[t["reverses"]]
        if (t["debit"], t["credit"], t["amount"]) != (
            original["credit"], original["debit"], original["amount"]
        ):
            breaches.append(f"transfer {t['id']} does not mirror transfer {original['id']}")
    return breaches


def _community_breaches(transfers: list[dict[str, Any]],
                        community_of: dict[int, int]) -> list[str]:
    """A transfer's community column (what the reports read) is its accounts' community."""
    out = []
    for t in transfers:
        if t["community"] != community_of.get(t["debit"]):
            out.append(f"transfer {t['id']}: community {t['community']} is not its "
                       f"accounts' community {community_of.get(t['debit'])}")
    return out

"""What the audit page calls each action and each target, instead of internal codes.

Targets are looked up in batch for a page of entries: one query per kind of target.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from marketplace.accounts.tables import HelperProfile, User
from marketplace.community.tables import Community
from marketplace.i18n import N_, _
from marketplace.rewards.tables import Merchant
from marketplace.wishes.tables import Wish

ACTIONS: dict[str, str] = {
    "staff_login": N_("Staff signed in"),
    "password_changed": N_("Password changed"),
    "helper_verified": N_("Helper verified"),
    "helper_declined": N_("Helper application declined"),
    "staff_granted": N_("Staff role granted"),
    "staff_revoked": N_("Staff role revoked"),
    "community_created": N_("Community created"),
    "in_need_marked": N_("Marked as needing care"),
    "in_need_cleared": N_("Care mark cleared"),
    "points_rules_changed": N_("Points rules changed"),
    "budget_set": N_("Points budget set"),
    "points_adjusted": N_("Points adjusted"),
    "transfer_reversed": N_("Transfer reversed"),
    "wish_rejected": N_("Wish rejected"),
    "wish_assigned": N_("Wish assigned to a helper"),
    "dispute_resolved": N_("Dispute resolved"),
    "merchant_verified": N_("Merchant verified"),
    "merchant_declined": N_("Merchant application declined"),
    "merchant_rate_set": N_("Merchant's points rate changed"),
    "settlement_closed": N_("Settlement period closed"),
    "settlement_paid": N_("Settlement marked paid"),
}


def action_label(code: str) -> str:
    """The translated name; an action added later without a label still shows its code."""
    return _(ACTIONS[code]) if code in ACTIONS else code


async def _names(table: Any, column: Any, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    rows = await table.select(table.id, column).where(table.id.is_in(sorted(ids)))
    # each row is {"id": ..., "<the column's key>": ...}
    return {int(r["id"]): next(v for k, v in r.items() if k != "id") for r in rows}


async def describe_targets(rows: list[dict[str, Any]]) -> None:
    """Set row["target_label"] and row["target_link"] (None when there is no page)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        if row["target_type"] and row["target_id"]:
            wanted[row["target_type"]].add(int(row["target_id"]))
    profiles = await _names(HelperProfile, HelperProfile.user.display_name,
                            wanted["helper_profile"])
    people = await _names(User, User.display_name, wanted["user"])
    wishes = await _names(Wish, Wish.title, wanted["wish"])
    communities = await _names(Community, Community.name, wanted["community"])
    shops = await _names(Merchant, Merchant.name, wanted["merchant"])
    for row in rows:
        kind, number = row["target_type"], int(row["target_id"] or 0)
        label, link = "", None
        if kind == "user" and number in people:
            label = people[number]
        elif kind == "helper_profile" and number in profiles:
            label, link = profiles[number], "/staff/helpers/"
        elif kind == "wish" and number in wishes:
            label, link = wishes[number], f"/wishes/{number}"
        elif kind == "community" and number in communities:
            label = communities[number]
        elif kind == "merchant" and number in shops:
            label = shops[number]
        elif kind == "settlement":
            label, link = _("Settlement %(n)s", n=number), f"/settlements/{number}"
        elif kind == "transfer":
            label = _("Transfer %(n)s", n=number)
        elif kind:
            label = f"{kind} {number}"
        row["target_label"], row["target_link"] = label, link

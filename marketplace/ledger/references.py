"""Human descriptions of statement references ("wish:12" → the wish's title, linked).

A transfer's reference is an internal key written by the domain that caused it. The
statement shows what it means instead: one query per kind of reference for the whole
statement (never one per line).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from marketplace.accounts.tables import User
from marketplace.activities.tables import Activity
from marketplace.i18n import _
from marketplace.rewards.codes import display as code_display
from marketplace.wishes.tables import Wish


def _split(reference: str) -> tuple[str, int | None, str]:
    """("wish", 12, "12") for "wish:12"; the id is None when it is not a number."""
    prefix, _sep, rest = (reference or "").partition(":")
    head = rest.split(":", 1)[0]
    return prefix, (int(head) if head.isdigit() and len(head) < 10 else None), rest


async def _titles(table: Any, ids: set[int], column: Any) -> dict[int, str]:
    if not ids:
        return {}
    rows = await table.select(table.id, column).where(table.id.is_in(sorted(ids)))
    return {int(row["id"]): row[column._meta.name] for row in rows}


async def describe(lines: list[dict[str, Any]]) -> None:
    """Set line["description"] (text, may be "") and line["link"] (URL or None)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for line in lines:
        prefix, number, _rest = _split(line.get("reference", ""))
        if number is not None:
            wanted[prefix].add(number)
    wishes = await _titles(Wish, wanted["wish"], Wish.title)
    activities = await _titles(Activity, wanted["activity"], Activity.title)
    people = await _titles(User, wanted["user"], User.display_name)
    for line in lines:
        prefix, number, rest = _split(line.get("reference", ""))
        text, link = "", None
        # The kind column already says "Wish award" / "Activity": the title is enough.
        if prefix == "wish" and number in wishes:
            text, link = wishes[number], f"/wishes/{number}"
        elif prefix == "activity" and number in activities:
            text = activities[number]
        elif prefix == "code" and rest:
            text = _("Exchange code %(code)s", code=code_display(rest))
        elif (prefix == "user" and line["kind"] == "donate" and number in people
              and people[number] != line["counterparty"]):
            text = people[number]
        line["description"], line["link"] = text, link

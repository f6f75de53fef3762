"""Words for statement lines: a transfer's reference ("wish:12") becomes the wish's title,
linked; "code:ABCDEFGH" the exchange code; "activity:3" the activity's name.

The ledger core stores references without knowing the domains that wrote them, so the
labelling sits here, above the domains, for the pages to call. One query per kind of
reference for the whole statement (never one per line).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from marketplace.accounts.tables import User
from marketplace.activities.tables import Activity
from marketplace.i18n import _
from marketplace.ledger.rules import parse_reference
from marketplace.privacy.names import first_name_only
from marketplace.rewards.codes import display as code_display
from marketplace.wishes.tables import Wish


async def _titles(table: Any, ids: set[int], column: Any) -> dict[int, str]:
    if not ids:
        return {}
    rows = await table.select(table.id, column).where(table.id.is_in(sorted(ids)))
    return {int(row["id"]): row[column._meta.name] for row in rows}


async def describe(lines: list[dict[str, Any]]) -> None:
    """Set line["description"] (text, may be "") and line["link"] (URL or None)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for line in lines:
        ref = parse_reference(line.get("reference"))
        if ref.number is not None:
            wanted[ref.kind].add(ref.number)
    wishes = await _titles(Wish, wanted["wish"], Wish.title)
    activities = await _titles(Activity, wanted["activity"], Activity.title)
    people = await _titles(User, wanted["user"], User.display_name)
    for line in lines:
        ref = parse_reference(line.get("reference"))
        text, link = "", None
        # The kind column already says "Wish award" / "Activity": the title is enough.
        if ref.kind == "wish" and ref.number in wishes:
            text, link = wishes[ref.number], f"/wishes/{ref.number}"
        elif ref.kind == "activity" and ref.number in activities:
            text = activities[ref.number]
        elif ref.kind == "code" and ref.rest:
            text = _("Exchange code %(code)s", code=code_display(ref.rest))
        elif ref.kind == "user" and line["kind"] == "donate" and line.get("change", 0) < 0:
            # The giver's own line: the resident in need by first name only, as listed.
            line["counterparty"] = first_name_only(str(line.get("counterparty") or ""))
        elif (ref.kind == "user" and line["kind"] == "donate" and ref.number in people
              and people[ref.number] != line["counterparty"]):
            text = people[ref.number]
        line["description"], line["link"] = text, link

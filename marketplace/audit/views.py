"""The audit log page for staff: who did what, when; filterable by action, actor and date.

The log stores a target as a kind and an id; the page names it (a wish's title, a shop's
name) by asking the domains that own it, one query per kind for a page of lines.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, get
from litestar.params import FromQuery

from marketplace import clock, paging
from marketplace.accounts.tables import HelperProfile, User
from marketplace.audit import labels, service
from marketplace.community.tables import Community
from marketplace.i18n import _
from marketplace.rewards.tables import Merchant
from marketplace.web import auth
from marketplace.web.params import query_text
from marketplace.web.render import page
from marketplace.web.request import AppRequest
from marketplace.wishes.tables import Wish


def _day(raw: str | None) -> tuple[date | None, bool]:
    """The typed day (or None) and whether it was refused."""
    try:
        return clock.parse_day(raw), False
    except clock.BadDate:
        return None, True


class AuditController(Controller):
    path = "/staff/audit"
    opt = {auth.GUARD: auth.staff_required}

    @get("/", name="audit_log")
    async def log(self, request: AppRequest, action: FromQuery[str | None] = None,
                  actor: FromQuery[str | None] = None,
                  date_from: FromQuery[str | None] = None,
                  date_to: FromQuery[str | None] = None,
                  before: FromQuery[str | None] = None) -> Any:
        (first, bad_first), (last, bad_last) = _day(date_from), _day(date_to)
        error = _("Please enter dates as YYYY-MM-DD: showing all dates.") if (
            bad_first or bad_last) else ""
        start, end = clock.day_bounds(first, last)
        f = service.AuditFilter(action=query_text(action).strip()[:64],
                                actor_name=query_text(actor).strip()[:64],
                                start=start, end=end, before=paging.cursor(before))
        found = await service.entries(request.principal, f)
        await describe_targets(found.rows)
        values = {"action": f.action, "actor": f.actor_name,
                  "date_from": first.isoformat() if first else "",
                  "date_to": last.isoformat() if last else ""}
        codes = await service.actions(request.principal)
        return page(request, "audit/log.html", "audit/_entries.html", rows=found.rows,
                    cursor=found.next_before, values=values, query=urlencode(values),
                    error=error, actions=[(a, labels.action_label(a)) for a in codes],
                    action_label=labels.action_label)


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
        elif kind == "privacy_request":
            label = _("Privacy request %(n)s", n=number)
            link = f"/staff/privacy-requests/{number}"
        elif kind:
            label = f"{kind} {number}"
        row["target_label"], row["target_link"] = label, link

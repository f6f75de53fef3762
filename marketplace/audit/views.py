"""The audit log page for staff: who did what, when; filterable by action, actor and date."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import FromQuery

from marketplace import clock
from marketplace.audit import labels, service
from marketplace.i18n import _
from marketplace.web import auth
from marketplace.web.render import page


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw.strip()[:10]) if raw and raw.strip() else None
    except ValueError:
        return None


class AuditController(Controller):
    path = "/staff/audit"
    guards = [auth.staff_required]

    @get("/", name="audit_log")
    async def log(self, request: Request, action: FromQuery[str | None] = None,
                  actor: FromQuery[str | None] = None,
                  date_from: FromQuery[str | None] = None,
                  date_to: FromQuery[str | None] = None,
                  before: FromQuery[int | None] = None) -> Any:
        me = auth.require_staff(request)
        first, last = _day(date_from), _day(date_to)
        error = ""
        if (date_from and first is None) or (date_to and last is None):
            error = _("Please enter dates as YYYY-MM-DD: showing all dates.")
        f = service.AuditFilter(
            community_ids=None if me.is_admin else me.staff_community_ids,
            action=(action or "").strip()[:64], actor=(actor or "").strip()[:64],
            start=clock.day_start(first) if first else None,
            end=clock.day_end(last) if last else None,
            before=before)
        rows, cursor = await service.entries(f)
        await labels.describe_targets(rows)
        values = {"action": f.action, "actor": f.actor,
                  "date_from": first.isoformat() if first else "",
                  "date_to": last.isoformat() if last else ""}
        query = urlencode(values)
        return page(request, "audit/log.html", "audit/_entries.html", rows=rows,
                    cursor=cursor, values=values, query=query, error=error,
                    actions=[(a, labels.action_label(a)) for a in await service.actions()],
                    action_label=labels.action_label)

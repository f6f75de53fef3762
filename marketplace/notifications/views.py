"""The notifications page: newest first; opening it marks everything read."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.params import FromQuery

from marketplace.notifications import service
from marketplace.web import auth
from marketplace.web.forms import parse_int
from marketplace.web.render import page


class NotificationController(Controller):
    path = "/notifications"
    guards = [auth.login_required]

    @get("/", name="notifications")
    async def index(self, request: Request, before: FromQuery[str | None] = None) -> Any:
        me = auth.require_user(request)
        items, next_cursor = await service.recent(me.user_id, parse_int(before))
        # Shown once as "new", then read: a count that never goes away is a count ignored.
        await service.mark_all_read(me.user_id)
        request.scope.setdefault("state", {})["unread"] = 0
        return page(request, "notifications/list.html", "notifications/_list.html",
                    items=items, next_cursor=next_cursor)

"""The notifications page: newest first; opening it marks everything read."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.params import FromQuery

from marketplace import paging
from marketplace.notifications import service
from marketplace.web import auth
from marketplace.web.render import page
from marketplace.web.request import AppRequest


class NotificationController(Controller):
    path = "/notifications"
    opt = {auth.GUARD: auth.login_required}

    @get("/", name="notifications")
    async def index(self, request: AppRequest, before: FromQuery[str | None] = None) -> Any:
        me = request.principal
        items, next_cursor = await service.recent(me, paging.cursor(before))
        # Shown once as "new", then read: a count that never goes away is a count ignored.
        await service.mark_all_read(me)
        request.scope.setdefault("state", {})["unread"] = 0
        return page(request, "notifications/list.html", "notifications/_list.html",
                    items=items, next_cursor=next_cursor)

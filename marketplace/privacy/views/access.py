"""Pages: "Who saw my contact details" (the resident, on Me and its own page) and the same
list for staff beside the member page."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.params import FromQuery

from marketplace import paging
from marketplace.principal import Principal
from marketplace.privacy.views import me
from marketplace.web import auth
from marketplace.web.params import PathId
from marketplace.web.render import page
from marketplace.web.request import AppRequest
from marketplace.wishes.tables import Wish


async def _titles(wish_ids: set[int]) -> dict[int, str]:
    if not wish_ids:
        return {}
    rows = await Wish.select(Wish.id, Wish.title).where(Wish.id.is_in(sorted(wish_ids)))
    return {int(r["id"]): r["title"] for r in rows}


async def contact_views(actor: Principal, resident_id: int, before: int | None = None,
                        url: str = "/privacy/contact-views") -> dict[str, Any]:
    """``me.contact_views`` with the title of the wish each record was about (one query)."""
    views = await me.contact_views(actor, resident_id, before, url)
    titles = await _titles({int(r["wish_id"]) for r in views["views"] if r["wish_id"]})
    for row in views["views"]:
        row["wish_title"] = titles.get(int(row["wish_id"] or 0), "")
    return views


class ContactViewController(Controller):
    path = "/privacy/contact-views"
    opt = {auth.GUARD: auth.login_required}

    @get("/", name="my_contact_views")
    async def mine(self, request: AppRequest, before: FromQuery[str | None] = None) -> Any:
        actor = request.principal
        return page(request, "privacy/contact_views.html", "privacy/_contact_views.html",
                    person=None,
                    **await contact_views(actor, actor.user_id, paging.cursor(before)))


class StaffContactViewController(Controller):
    path = "/staff/members"
    opt = {auth.GUARD: auth.staff_required}

    @get("/{user_id:int}/contact-views", name="member_contact_views")
    async def member(self, request: AppRequest, user_id: PathId,
                     before: FromQuery[str | None] = None) -> Any:
        url = f"/staff/members/{user_id}/contact-views"
        views = await contact_views(request.principal, user_id, paging.cursor(before), url)
        return page(request, "privacy/contact_views.html", "privacy/_contact_views.html",
                    person=user_id, **views)

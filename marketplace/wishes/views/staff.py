"""Staff pages of micro-wishes: the review, dispute and escalation queues; categories."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromQuery

from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.web import auth
from marketplace.web.forms import Form
from marketplace.web.params import PathId, query_id
from marketplace.web.render import next_path, page, redirect
from marketplace.web.request import AppRequest
from marketplace.wishes import service


class StaffWishController(Controller):
    path = "/staff/wishes"
    include_in_schema = False  # HTML pages; the API is documented in the schema
    guards = [auth.staff_required]

    @get("/", name="staff_wishes")
    async def queues(self, request: AppRequest,
                     community_id: FromQuery[str | None] = None) -> Any:
        queues = await service.staff_queues(request.principal,
                                            query_id(community_id, _("Community")))
        return page(request, "wishes/staff.html", pending=queues.pending,
                    disputed=queues.disputed, escalated=queues.escalated,
                    categories=queues.categories, community_id=queues.community_id,
                    errors={}, values={})

    @post("/categories", name="add_category")
    async def add_category(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        try:
            cid = form.id("community_id", label=_("Community")) or 0
            await service.add_category(request.principal, cid, form.str("name"),
                                       form.int("points", label=_("Points")) or 0)
        except DomainError as exc:
            return redirect(request, "/staff/wishes", exc.message, "error")
        return redirect(request, "/staff/wishes", _("Category added."))

    @post("/categories/{category_id:int}/toggle", name="toggle_category")
    async def toggle(self, request: AppRequest, category_id: PathId) -> Any:
        form = await Form.read(request)
        await service.toggle_category(request.principal, category_id)
        back = next_path(form, "/staff/wishes")  # the rules page sends its own address
        return redirect(request, back if back.startswith("/staff/") else "/staff/wishes",
                        _("Category updated."))

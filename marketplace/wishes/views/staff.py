"""Staff pages of micro-wishes: the review, dispute and escalation queues; categories."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery

from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.web import auth
from marketplace.web.forms import Form
from marketplace.web.params import PathId
from marketplace.web.render import page, redirect
from marketplace.wishes import queries, service


class StaffWishController(Controller):
    path = "/staff/wishes"
    include_in_schema = False  # HTML pages; the API is documented in the schema
    guards = [auth.staff_required]

    @get("/", name="staff_wishes")
    async def queues(self, request: Request, community_id: FromQuery[int | None] = None) -> Any:
        me = auth.require_staff(request)
        cid = community_id or (min(me.staff_community_ids) if me.staff_community_ids
                               else me.community_id)
        auth.require_staff(request, cid)
        return page(request, "wishes/staff.html",
                    pending=await queries.staff_queue(cid, "pending"),
                    disputed=await queries.staff_queue(cid, "disputed"),
                    escalated=await queries.escalated(cid),
                    categories=await service.categories(cid, active_only=False),
                    community_id=cid, errors={}, values={})

    @post("/categories", name="add_category")
    async def add_category(self, request: Request) -> Any:
        me = auth.require_staff(request)
        form = await Form.read(request)
        try:
            cid = form.int("community_id", label="community") or 0
            await service.add_category(me, cid, form.str("name", max_length=100),
                                       form.int("points", label=_("Points")) or 0)
        except DomainError as exc:
            return redirect(request, "/staff/wishes", exc.message, "error")
        return redirect(request, "/staff/wishes", _("Category added."))

    @post("/categories/{category_id:int}/toggle", name="toggle_category")
    async def toggle(self, request: Request, category_id: PathId) -> Any:
        me = auth.require_staff(request)
        await service.toggle_category(me, category_id)
        return redirect(request, "/staff/wishes", _("Category updated."))

"""The street's escalation queue (街道兜底) and the helper picker street staff assign
with; the steps themselves (escalate, assign, send back) are wish actions on the wish
page (``views.wishes``)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.params import FromQuery

from marketplace.accounts import members
from marketplace.community import areas
from marketplace.community.views.picker import with_claims
from marketplace.web import auth
from marketplace.web.params import PathId, query_text
from marketplace.web.render import page
from marketplace.web.request import AppRequest
from marketplace.wishes import street


class StreetQueueController(Controller):
    path = "/street"
    include_in_schema = False
    opt = {auth.GUARD: auth.login_required}

    @get("/{street_id:int}/queue", name="street_queue")
    async def queue(self, request: AppRequest, street_id: PathId) -> Any:
        rows = await street.queue(request.principal, street_id)
        return page(request, "wishes/street_queue.html", rows=rows,
                    street=await areas.street(street_id))

    @get("/wishes/{wish_id:int}/pick", name="street_pick_helper")
    async def pick(self, request: AppRequest, wish_id: PathId,
                   person: FromQuery[str | None] = None) -> Any:
        """Suggestions for the assign form: verified helpers of the street's communities
        (of the wish's own community for its staff)."""
        among = await street.picker_scope(request.principal, wish_id)
        choices = await members.pick(request.principal, None, query_text(person),
                                     helpers_only=True, among=among)
        return page(request, "_picker_choices.html", "_picker_choices.html",
                    picker_choices=await with_claims(choices, True), picker_helpers=True)

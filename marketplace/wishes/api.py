"""JSON API for wishes: the same services and authorisation as the pages.

Signed in by the session cookie; unsafe methods need the CSRF token in the ``x-csrftoken``
header like every form of the site. Errors are JSON ``{"error": {"status", "message"}}``
with 400 (bad input), 401, 403, 404 or 409 (the wish moved on, e.g. already claimed).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.params import FromQuery, JSONBody

from marketplace.principal import Principal
from marketplace.web import auth
from marketplace.web.api_docs import API_ERRORS
from marketplace.web.params import BodyId, Line, PathId, QueryId, QueryLine, Text
from marketplace.web.request import AppRequest
from marketplace.wishes import queries, rules, service
from marketplace.wishes.rules import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    HOURS_MAX,
    NOTE_MAX,
    REASON_MAX,
    TITLE_MAX,
    TITLE_MIN,
)


class WishCardOut(msgspec.Struct):
    id: int
    title: str
    points: int
    status: str
    category: str
    grid: str | None
    building: str | None
    created_at: datetime
    wished_by: date | None


class WishPageOut(msgspec.Struct):
    items: list[WishCardOut]
    next_before: int | None  # pass as ?before= for the next (older) page


class ContactOut(msgspec.Struct):
    phone: str
    address: str


class EventOut(msgspec.Struct):
    at: datetime
    action: str
    from_state: str
    to_state: str
    actor: str | None  # None: done automatically by a timer
    note: str


class WishOut(msgspec.Struct):
    id: int
    title: str
    description: str
    status: str
    points: int
    team_size: int
    category: str
    grid: str | None
    building: str | None
    owner_name: str
    created_at: datetime
    wished_by: date | None
    helpers: list[str]
    contact: ContactOut | None  # only for the claimer(s) and staff
    actions: list[str]  # what the caller may do now
    fulfil_note: str
    hours: float
    rating: int | None
    history: list[EventOut]




# Limits from wishes.rules, like the form's: a too-long title or description is refused
# (400). Notes are kept up to their limit by the service, on the page as here.
def _kept(n: int) -> msgspec.Meta:
    return msgspec.Meta(description=f"Kept up to {n} characters; the rest is cut.")


class NewWishIn(msgspec.Struct):
    category_id: BodyId
    title: Annotated[Line, msgspec.Meta(min_length=TITLE_MIN, max_length=TITLE_MAX)]
    description: Annotated[Text, msgspec.Meta(max_length=DESCRIPTION_MAX)] = ""
    wished_by: date | None = None


class NoteIn(msgspec.Struct):
    note: Annotated[Text, _kept(NOTE_MAX)] = ""


class FulfilIn(msgspec.Struct):
    note: Annotated[Text, _kept(NOTE_MAX)]
    hours: Annotated[float, msgspec.Meta(ge=0, le=HOURS_MAX)] = 0


class ConfirmIn(msgspec.Struct):
    rating: Annotated[int, msgspec.Meta(ge=1, le=5)] | None = None
    comment: Annotated[Text, _kept(COMMENT_MAX)] = ""


class DisputeIn(msgspec.Struct):
    reason: Annotated[Text, _kept(REASON_MAX)]


def _card(w: dict[str, Any]) -> WishCardOut:
    return WishCardOut(id=w["id"], title=w["title"], points=w["points"], status=w["status"],
                       category=w["category.name"], grid=w["grid.name"],
                       building=w["building.name"], created_at=w["created_at"],
                       wished_by=w["wished_by"])


def _out(d: service.WishDetail) -> WishOut:
    """The page's read model as JSON: the same contact decision, the same actions."""
    w = d.wish
    history = [EventOut(at=e["at"], action=e["action"], from_state=e["from_state"],
                        to_state=e["to_state"], actor=e["actor.display_name"], note=e["note"])
               for e in d.history]
    return WishOut(
        id=w["id"], title=w["title"], description=w["description"], status=w["status"],
        points=w["points"], team_size=w["team_size"], category=w["category.name"],
        grid=w["grid.name"], building=w["building.name"],
        owner_name=w["owner.display_name"], created_at=w["created_at"],
        wished_by=w["wished_by"], helpers=d.helpers,
        contact=ContactOut(d.contact.phone, d.contact.address) if d.contact else None,
        actions=d.actions, fulfil_note=w["fulfil_note"], hours=round(w["hours"] / 60, 2),
        rating=w["rating"], history=history)


async def wish_out(me: Principal, wish_id: int) -> WishOut:
    return _out(await service.detail(me, wish_id, via="api"))


class WishApiController(Controller):
    path = "/api/wishes"
    opt = {auth.GUARD: auth.login_required}
    include_in_schema = True  # the app leaves its HTML pages out of the OpenAPI schema
    tags = ["wishes"]

    @get("/", name="api_wish_list", responses=API_ERRORS)
    async def list_open(self, request: AppRequest, grid: QueryId = None,
                        category: QueryId = None,
                        q: QueryLine = None,
                        before: FromQuery[int | None] = None) -> WishPageOut:
        """Open wishes of the caller's community, newest first; keyset-paginated."""
        found = await queries.open_wishes(queries.ListFilter(
            request.principal.community_id, grid, category, q or "", before))
        return WishPageOut(items=[_card(r) for r in found.rows], next_before=found.next_before)

    @get("/{wish_id:int}", name="api_wish_read", responses=API_ERRORS)
    async def read(self, request: AppRequest, wish_id: PathId) -> WishOut:
        return await wish_out(request.principal, wish_id)

    @post("/", name="api_wish_post", responses=API_ERRORS)
    async def create(self, request: AppRequest, data: JSONBody[NewWishIn]) -> WishOut:
        """Post a wish for yourself; it waits for staff review."""
        me = request.principal
        wish_id = await service.post_wish(me, service.NewWish(
            data.category_id, data.title, data.description, data.wished_by))
        return await wish_out(me, wish_id)

    @post("/{wish_id:int}/claim", name="api_wish_claim", responses=API_ERRORS, status_code=200)
    async def claim(self, request: AppRequest, wish_id: PathId) -> WishOut:
        """Claim an open wish (or join its team); 409 when someone else was faster."""
        me = request.principal
        await service.claim(me, wish_id)
        return await wish_out(me, wish_id)

    @post("/{wish_id:int}/release", name="api_wish_release", responses=API_ERRORS, status_code=200)
    async def release(self, request: AppRequest, wish_id: PathId,
                      data: JSONBody[NoteIn | None] = None) -> WishOut:
        me = request.principal
        await service.release(me, wish_id, (data or NoteIn()).note)
        return await wish_out(me, wish_id)

    @post("/{wish_id:int}/fulfil", name="api_wish_fulfil", responses=API_ERRORS, status_code=200)
    async def fulfil(self, request: AppRequest, wish_id: PathId,
                     data: JSONBody[FulfilIn]) -> WishOut:
        me = request.principal
        await service.fulfil(me, wish_id, data.note, rules.minutes_spent(data.hours))
        return await wish_out(me, wish_id)

    @post("/{wish_id:int}/confirm", name="api_wish_confirm", responses=API_ERRORS, status_code=200)
    async def confirm(self, request: AppRequest, wish_id: PathId,
                      data: JSONBody[ConfirmIn | None] = None) -> WishOut:
        """The resident confirms: the helpers are paid in the same transaction."""
        me = request.principal
        body = data or ConfirmIn()
        await service.confirm(me, wish_id, body.rating, body.comment)
        return await wish_out(me, wish_id)

    @post("/{wish_id:int}/dispute", name="api_wish_dispute", responses=API_ERRORS, status_code=200)
    async def dispute(self, request: AppRequest, wish_id: PathId,
                      data: JSONBody[DisputeIn]) -> WishOut:
        me = request.principal
        await service.dispute(me, wish_id, data.reason)
        return await wish_out(me, wish_id)

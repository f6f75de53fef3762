"""Staff pages of micro-wishes: the review, dispute and escalation queues; categories."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromQuery

from marketplace import paging
from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.web import auth
from marketplace.web.forms import Form
from marketplace.web.params import PathId, query_id
from marketplace.web.render import is_htmx, next_path, page, redirect, refused
from marketplace.web.request import AppRequest
from marketplace.wishes import service


class StaffWishController(Controller):
    path = "/staff/wishes"
    include_in_schema = False  # HTML pages; the API is documented in the schema
    opt = {auth.GUARD: auth.staff_required}

    @get("/", name="staff_wishes")
    async def queues(self, request: AppRequest,
                     community_id: FromQuery[str | None] = None,
                     after: FromQuery[str | None] = None) -> Any:
        return await _queues(request, query_id(community_id, _("Community")),
                             after=paging.cursor(after))

    @post("/{wish_id:int}/review", name="review_from_queue")
    async def review(self, request: AppRequest, wish_id: PathId) -> Any:
        """Approve with the wish's default points, or reject with a reason, right in the
        queue (issue 15: two taps, not four). With htmx the decided wish leaves the queue
        (its card and box give way to what was done) and the heading's count follows; a
        refused try swaps only its review box. Without JavaScript the queue comes back,
        with the error at the field when refused."""
        form = await Form.read(request)
        approve = form.str("decision") == "approve"
        reason = "" if approve else form.str("reason", multiline=True)
        try:
            wish = await service.review(request.principal, wish_id, approve, reason=reason)
        except DomainError as exc:
            review = {"wish_id": wish_id, "error": exc.message, "reason": reason,
                      "field": exc.field}
            wish, _roles = await service.visible(request.principal, wish_id)
            if is_htmx(request):
                box = page(request, "wishes/_review.html", w=wish, review=review)
                box.headers["HX-Retarget"] = f"#review-{wish_id}"
                return box
            return await _queues(request, wish["community"], review, refused(request, exc))
        done = _("Approved: helpers can now see and claim this wish.") if approve else _(
            "Rejected; the resident will see your reason.")
        if is_htmx(request):
            waiting = await service.pending_count(request.principal, wish["community"])
            return page(request, "wishes/_queue_item.html", w=wish, done=done,
                        pending_total=waiting, count_changed=True)
        # Not to #pending: the message stands above it, and would be scrolled away.
        return redirect(request, "/staff/wishes", done)

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


async def _queues(request: AppRequest, community_id: int | None,
                  review: dict[str, Any] | None = None, status_code: int = 200,
                  after: int | None = None) -> Any:
    """The queue page; ``review`` is a refused review to show at its wish's reason field."""
    queues = await service.staff_queues(request.principal, community_id, after)
    return page(request, "wishes/staff.html", pending=queues.pending,
                pending_total=queues.pending_total, pending_after=queues.pending_after,
                after=after, asked_community=community_id,
                disputed=queues.disputed, escalated=queues.escalated,
                categories=queues.categories, community_id=queues.community_id,
                errors={}, values={}, review=review or {}, status_code=status_code)

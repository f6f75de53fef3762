"""Pages: a person's privacy questions and complaints (/privacy/requests; visitors who are
not signed in see how to reach the office instead), and the staff queue that answers them."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromQuery

from marketplace import clock
from marketplace.activities.views import staff_community
from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.privacy import requests
from marketplace.recovery import service as recovery
from marketplace.web import auth
from marketplace.web.forms import Form
from marketplace.web.params import PathId, query_id, query_text
from marketplace.web.render import page, redirect, refused
from marketplace.web.request import AppRequest

STATUSES = ("open", "answered", "all")


def _kinds() -> list[tuple[str, str]]:
    return [(code, _(label)) for code, label in requests.KINDS.items()]


async def _mine_page(request: AppRequest, values: dict[str, str] | None = None,
                     errors: dict[str, str] | None = None, status_code: int = 200) -> Any:
    if request.user is None:
        return page(request, "privacy/requests.html", offices=await recovery.offices(),
                    mine=[], kinds=_kinds(), values={}, errors={})
    return page(request, "privacy/requests.html", status_code=status_code, offices=[],
                mine=await requests.mine(request.principal), kinds=_kinds(),
                kind_labels=dict(_kinds()), today=clock.today(),
                values=values or {}, errors=errors or {})


class PrivacyRequestController(Controller):
    """The form needs a signed-in person; a visitor is shown the office to ask instead."""

    path = "/privacy/requests"

    @get("/", name="privacy_requests")
    async def index(self, request: AppRequest) -> Any:
        return await _mine_page(request)

    @post("/", opt={auth.GUARD: auth.login_required})
    async def submit(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        try:
            await requests.submit(
                request.principal, form.str("kind", max_length=32),
                form.str("text", multiline=True, max_length=requests.TEXT_MAX * 2),
                form.str("contact_preference", max_length=requests.PREFERENCE_MAX * 2))
        except DomainError as exc:
            return await _mine_page(request, form.values(), {exc.field or "text": exc.message},
                                    refused(request, exc))
        due = await requests.due_on(clock.today())
        return redirect(request, "/privacy/requests",
                        _("Your request is sent. Community staff will answer by %(day)s.",
                          day=due.isoformat()))


async def _answer_page(request: AppRequest, request_id: int, values: dict[str, str] | None = None,
                       errors: dict[str, str] | None = None, status_code: int = 200) -> Any:
    row = await requests.get(request.principal, request_id)  # staff of its community only
    return page(request, "privacy/staff_request.html", status_code=status_code, r=row,
                kind_labels=dict(_kinds()), today=clock.today(),
                overdue=requests.is_overdue(row, clock.today()),
                values=values or {}, errors=errors or {})


class StaffPrivacyRequestController(Controller):
    path = "/staff/privacy-requests"
    opt = {auth.GUARD: auth.staff_required}

    @get("/", name="staff_privacy_requests")
    async def queue(self, request: AppRequest, community: FromQuery[str | None] = None,
                    status: FromQuery[str | None] = None) -> Any:
        me = request.principal
        asked = query_id(community, _("Community"))
        # Administrators see every community's unless they pick one.
        community_id = asked if asked is not None or not me.is_admin else None
        if community_id is None and not me.is_admin:
            community_id = staff_community(me, None)
        shown = query_text(status)
        shown = shown if shown in STATUSES else "open"
        rows = await requests.queue(me, community_id, shown)
        today = clock.today()
        return page(request, "privacy/staff_requests.html", rows=rows, status=shown,
                    community_id=community_id, today=today, kind_labels=dict(_kinds()),
                    overdue={r["id"] for r in rows if requests.is_overdue(r, today)})

    @get("/{request_id:int}", name="staff_privacy_request")
    async def show(self, request: AppRequest, request_id: PathId) -> Any:
        return await _answer_page(request, request_id)

    @post("/{request_id:int}/answer", name="answer_privacy_request")
    async def answer(self, request: AppRequest, request_id: PathId) -> Any:
        form = await Form.read(request)
        try:
            await requests.answer(request.principal, request_id, form.str(
                "answer", multiline=True, max_length=requests.ANSWER_MAX * 2))
        except DomainError as exc:
            return await _answer_page(request, request_id, form.values(),
                                      {exc.field or "answer": exc.message},
                                      refused(request, exc))
        return redirect(request, "/staff/privacy-requests",
                        _("The answer is sent; the resident is notified."))

"""Residents check in to activities; staff create them, show the code/QR, tick attendance."""

from __future__ import annotations

import io
from datetime import datetime, time
from typing import Any

import segno
from litestar import Controller, Response, get, post
from litestar.params import FromQuery

from marketplace import clock
from marketplace.activities import service
from marketplace.community.views.picker import picked, picker_context
from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.web import auth
from marketplace.web.forms import Form
from marketplace.web.params import PathId, query_id, query_text, without_controls
from marketplace.web.render import absolute_url, page, redirect
from marketplace.web.request import AppRequest

UNPROCESSABLE = 422


def checkin_url(request: AppRequest, code: str) -> str:
    return absolute_url(request, f"/activities/checkin?code={code}")


class CheckInController(Controller):
    path = "/activities"
    opt = {auth.GUARD: auth.login_required}

    @get("/checkin", name="activity_checkin_form")
    async def form(self, request: AppRequest, code: FromQuery[str | None] = None) -> Any:
        activity = None
        errors: dict[str, str] = {}
        if code:  # opened from the QR code: show what the person is checking in to
            try:
                activity = await service.by_code(request.principal, query_text(code))
            except DomainError as exc:
                errors = {"code": exc.message}
        return page(request, "activities/checkin.html", activity=activity, errors=errors,
                    values={"code": without_controls(code or "")},
                    method="qr" if code else "code")

    @post("/checkin", name="activity_checkin")
    async def check_in(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        try:
            activity, _paid = await service.check_in(request.principal,
                                                     form.str("code", max_length=40),
                                                     form.str("method", max_length=8))
        except DomainError as exc:
            return page(request, "activities/checkin.html", status_code=UNPROCESSABLE,
                        activity=None, errors={exc.field or "code": exc.message},
                        values=form.values(), method=form.str("method", max_length=8))
        return redirect(request, "/points", _("Checked in to “%(title)s”: you earned "
                                              "%(n)s points.", title=activity["title"],
                                              n=activity["points"]))


def staff_community(me: Principal, requested: int | None) -> int:
    """Which community a staff page is about: the one asked for, else the person's own."""
    if requested is not None:
        return requested
    if me.can_staff(me.community_id) or not me.staff_community_ids:
        return me.community_id
    return min(me.staff_community_ids)


def _starts_at(form: Form) -> datetime:
    """The local date and time typed into the form (the time defaults to 09:00)."""
    try:
        day = clock.parse_day(form.str("day", max_length=10))
    except clock.BadDate:
        day = None
    if day is None:
        raise DomainError(_("Please enter the date as YYYY-MM-DD."), "day")
    try:
        # Bounded: at most eight characters reach the parser ("HH:MM:SS").
        at = time.fromisoformat(form.str("time", "09:00", max_length=8).strip() or "09:00")
    except ValueError as exc:
        raise DomainError(_("Please enter the time as HH:MM."), "time") from exc
    return datetime.combine(day, at, tzinfo=clock.LOCAL)


class StaffActivityController(Controller):
    """The activities service decides which activities a staff member may run: those of
    their own communities (administrators: any)."""

    path = "/staff/activities"
    opt = {auth.GUARD: auth.staff_required}

    async def _index(self, request: AppRequest, community_id: int, errors: dict[str, str],
                     values: dict[str, str], status_code: int = 200) -> Any:
        activities = await service.of_community(request.principal, community_id)
        return page(request, "activities/staff_list.html", status_code=status_code,
                    activities=activities, community_id=community_id, errors=errors,
                    values=values)

    @get("/", name="staff_activities")
    async def index(self, request: AppRequest,
                    community: FromQuery[str | None] = None) -> Any:
        community_id = staff_community(request.principal, query_id(community, _("Community")))
        return await self._index(request, community_id, {}, {})

    @post("/", name="staff_activity_create")
    async def create(self, request: AppRequest) -> Any:
        me = request.principal
        form = await Form.read(request)
        community_id = staff_community(me, form.id("community", required=False,
                                                    label=_("Community")))
        try:
            points = form.int("points", label=_("Points per participant"))
            capacity = form.int("capacity", required=False, label=_("Capacity"))
            assert points is not None
            activity_id = await service.create(
                me, community_id, form.str("title", max_length=200),
                form.str("place", max_length=200), _starts_at(form), points, capacity)
        except DomainError as exc:
            return await self._index(request, community_id, {exc.field or "form": exc.message},
                                     form.values(), UNPROCESSABLE)
        return redirect(request, f"/staff/activities/{activity_id}", _("Activity created."))

    async def _detail(self, request: AppRequest, activity_id: int,
                      error: str | None = None, values: dict[str, str] | None = None,
                      **picker: Any) -> Any:
        activity, people = await service.attendance(request.principal, activity_id)
        return page(request, "activities/staff_detail.html",
                    status_code=UNPROCESSABLE if error else 200, activity=activity,
                    participants=people, error=error, values=values or {},
                    url=checkin_url(request, activity["code"]), **picker)

    @get("/{activity_id:int}", name="staff_activity")
    async def detail(self, request: AppRequest, activity_id: PathId) -> Any:
        return await self._detail(request, activity_id)

    @get("/{activity_id:int}/qr.svg", name="staff_activity_qr")
    async def qr(self, request: AppRequest, activity_id: PathId) -> Response:
        activity = await service.staffed(request.principal, activity_id)
        out = io.BytesIO()
        segno.make(checkin_url(request, activity["code"]), error="m").save(
            out, kind="svg", scale=8, border=2, title=activity["title"])
        return Response(content=out.getvalue(), media_type="image/svg+xml",
                        headers={"Cache-Control": "private, max-age=300"})

    @post("/{activity_id:int}/attendance", name="staff_activity_attendance")
    async def attendance(self, request: AppRequest, activity_id: PathId) -> Any:
        me = request.principal
        form = await Form.read(request)
        try:
            # Several ids at once ("user"), or the one person the picker names.
            user_ids = form.ids("user")
            if not user_ids:
                activity = await service.staffed(me, activity_id)
                user_ids = [await picked(form, me, int(activity["community"]))]
            paid, already = await service.record_attendance(me, activity_id, user_ids)
        except DomainError as exc:
            return await self._detail(request, activity_id, exc.message,
                                      {"person": form.str("person", max_length=64)},
                                      **await picker_context(exc))
        message = _("%(n)s participants paid.", n=paid)
        if already:
            message += " " + _("%(n)s had already been paid.", n=already)
        return redirect(request, f"/staff/activities/{activity_id}", message)

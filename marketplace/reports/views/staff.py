"""Staff pages: the dashboard, CSV exports, and a helper's service record."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Stream

from marketplace.reports import exports, records, service
from marketplace.reports.views.record import render_record
from marketplace.web import auth
from marketplace.web.params import PathId
from marketplace.web.render import page

EXPORTS = ("wishes", "transfers", "redemptions", "members", "work-units")


def csv_response(chunks: Any, filename: str) -> Stream:
    return Stream(chunks, media_type="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store"})


class StaffReportsController(Controller):
    path = "/staff/reports"
    guards = [auth.staff_required]

    @get("/", name="reports_dashboard")
    async def dashboard(self, request: Request, community_id: FromQuery[int | None] = None,
                        grid_id: FromQuery[int | None] = None,
                        date_from: FromQuery[str | None] = None,
                        date_to: FromQuery[str | None] = None) -> Any:
        me = auth.require_staff(request)
        cid = community_id or service.default_community(me)
        auth.require_staff(request, cid)
        period = service.parse_period(date_from, date_to)
        data = await service.dashboard(me, cid, grid_id, period)
        return page(request, "reports/dashboard.html", "reports/_dashboard.html",
                    exports=EXPORTS, **data)

    @get("/export/{what:str}", name="reports_export")
    async def export(self, request: Request, what: FromPath[str],
                     community_id: FromQuery[int | None] = None,
                     date_from: FromQuery[str | None] = None,
                     date_to: FromQuery[str | None] = None) -> Stream:
        me = auth.require_staff(request)
        cid = community_id or service.default_community(me)
        auth.require_staff(request, cid)
        name = what.removesuffix(".csv")
        if name not in EXPORTS:
            raise NotFoundException()
        period = service.parse_period(date_from, date_to, default_months=1200)
        stamp = f"{period.first:%Y%m%d}-{period.last:%Y%m%d}"
        if name == "members":
            chunks = exports.members(cid)
        elif name == "work-units":
            chunks = exports.work_units(cid, period.start, period.end)
        elif name == "wishes":
            chunks = exports.wishes(cid, period.start, period.end)
        else:
            kind = "redeem" if name == "redemptions" else None
            chunks = exports.transfers(cid, period.start, period.end, kind)
        return csv_response(chunks, f"{name}-{cid}-{stamp}.csv")

    @get("/helpers/{user_id:int}", name="reports_helper_record")
    async def helper_record(self, request: Request, user_id: PathId,
                            date_from: FromQuery[str | None] = None,
                            date_to: FromQuery[str | None] = None) -> Any:
        who = await records.person(user_id)
        if who is None:
            raise NotFoundException()
        auth.require_staff(request, int(who["community"]))
        period = service.parse_period(date_from, date_to, default_months=12)
        return await render_record(request, user_id, period,
                                   action=f"/staff/reports/helpers/{user_id}")

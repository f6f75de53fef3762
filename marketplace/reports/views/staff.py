"""Staff pages: the dashboard, CSV exports, and a helper's service record."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.params import FromPath, FromQuery

from marketplace.i18n import _
from marketplace.reports import service
from marketplace.reports.views.record import render_record
from marketplace.web import auth
from marketplace.web.params import PathId, query_day, query_id
from marketplace.web.render import csv_download, page
from marketplace.web.request import AppRequest


class StaffReportsController(Controller):
    path = "/staff/reports"
    opt = {auth.GUARD: auth.staff_required}

    @get("/", name="reports_dashboard")
    async def dashboard(self, request: AppRequest, community_id: FromQuery[str | None] = None,
                        grid_id: FromQuery[str | None] = None,
                        date_from: FromQuery[str | None] = None,
                        date_to: FromQuery[str | None] = None) -> Any:
        period = service.parse_period(date_from, date_to)
        data = await service.dashboard(request.principal,
                                       query_id(community_id, _("Community")),
                                       query_id(grid_id, _("Grid")), period)
        return page(request, "reports/dashboard.html", "reports/_dashboard.html",
                    exports=service.EXPORTS,
                    grid_options=[(g["id"], g["name"]) for g in data["grids"]], **data)

    @get("/export/{what:str}", name="reports_export")
    async def export(self, request: AppRequest, what: FromPath[str],
                     community_id: FromQuery[str | None] = None,
                     date_from: FromQuery[str | None] = None,
                     date_to: FromQuery[str | None] = None) -> Response[Any]:
        query_day(date_from), query_day(date_to)  # refused before the first byte
        period = service.parse_period(date_from, date_to, default_months=1200)
        export = service.export(request.principal, what.removesuffix(".csv"),
                                query_id(community_id, _("Community")),
                                period)
        return csv_download(export.filename, export.chunks)

    @get("/helpers/{user_id:int}", name="reports_helper_record")
    async def helper_record(self, request: AppRequest, user_id: PathId,
                            date_from: FromQuery[str | None] = None,
                            date_to: FromQuery[str | None] = None) -> Any:
        period = service.parse_period(date_from, date_to, default_months=12)
        return await render_record(request, user_id, period,
                                   action=f"/staff/reports/helpers/{user_id}")

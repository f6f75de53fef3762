"""Roll-up dashboards for street and district staff, their CSV, and the read-only drill
down to one community's dashboard. Who may see what is decided in ``reports.areas``."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.params import FromQuery

from marketplace.i18n import _
from marketplace.reports import areas, service
from marketplace.web import auth
from marketplace.web.params import PathId, query_id
from marketplace.web.render import csv_download, page
from marketplace.web.request import AppRequest


async def _rollup(request: AppRequest, kind: str, area_id: int,
                  date_from: str | None, date_to: str | None) -> areas.Rollup:
    period = service.parse_period(date_from, date_to)
    if kind == "street":
        return await areas.street_rollup(request.principal, area_id, period)
    return await areas.district_rollup(request.principal, area_id, period)


def _show(request: AppRequest, r: areas.Rollup) -> Any:
    return page(request, "reports/rollup.html", "reports/_rollup.html", r=r,
                base=f"/{r.kind}/{r.area['id']}", statuses=areas.STATUSES)


async def _drill(request: AppRequest, kind: str, area_id: int, community_id: int,
                 grid_id: str | None, date_from: str | None, date_to: str | None) -> Any:
    period = service.parse_period(date_from, date_to)
    data = await areas.community_dashboard(request.principal, kind, area_id, community_id,
                                           query_id(grid_id, _("Grid")), period)
    base = f"/{kind}/{area_id}"
    return page(request, "reports/dashboard.html", "reports/_dashboard.html",
                read_only=True, dashboard_url=f"{base}/communities/{community_id}",
                back_url=base, exports=(),
                grid_options=[(g["id"], g["name"]) for g in data["grids"]], **data)


class StreetReportsController(Controller):
    path = "/street"
    opt = {auth.GUARD: auth.login_required}

    @get("/{street_id:int}", name="street_rollup")
    async def rollup(self, request: AppRequest, street_id: PathId,
                     date_from: FromQuery[str | None] = None,
                     date_to: FromQuery[str | None] = None) -> Any:
        return _show(request, await _rollup(request, "street", street_id, date_from, date_to))

    @get("/{street_id:int}/rollup.csv", name="street_rollup_csv")
    async def csv(self, request: AppRequest, street_id: PathId,
                  date_from: FromQuery[str | None] = None,
                  date_to: FromQuery[str | None] = None) -> Response[Any]:
        name, body = areas.csv_file(
            await _rollup(request, "street", street_id, date_from, date_to))
        return csv_download(name, body)

    @get("/{street_id:int}/communities/{community_id:int}", name="street_community")
    async def community(self, request: AppRequest, street_id: PathId, community_id: PathId,
                        grid_id: FromQuery[str | None] = None,
                        date_from: FromQuery[str | None] = None,
                        date_to: FromQuery[str | None] = None) -> Any:
        return await _drill(request, "street", street_id, community_id, grid_id, date_from,
                            date_to)


class DistrictReportsController(Controller):
    path = "/district"
    opt = {auth.GUARD: auth.login_required}

    @get("/{district_id:int}", name="district_rollup")
    async def rollup(self, request: AppRequest, district_id: PathId,
                     date_from: FromQuery[str | None] = None,
                     date_to: FromQuery[str | None] = None) -> Any:
        return _show(request,
                     await _rollup(request, "district", district_id, date_from, date_to))

    @get("/{district_id:int}/rollup.csv", name="district_rollup_csv")
    async def csv(self, request: AppRequest, district_id: PathId,
                  date_from: FromQuery[str | None] = None,
                  date_to: FromQuery[str | None] = None) -> Response[Any]:
        name, body = areas.csv_file(
            await _rollup(request, "district", district_id, date_from, date_to))
        return csv_download(name, body)

    @get("/{district_id:int}/communities/{community_id:int}", name="district_community")
    async def community(self, request: AppRequest, district_id: PathId,
                        community_id: PathId, grid_id: FromQuery[str | None] = None,
                        date_from: FromQuery[str | None] = None,
                        date_to: FromQuery[str | None] = None) -> Any:
        return await _drill(request, "district", district_id, community_id, grid_id,
                            date_from, date_to)

"""Work-unit pages: the registry (administrators and district staff, /admin/work-units) and
the portal a unit's contact person signs in to (/unit)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, get, post
from litestar.params import FromQuery

from marketplace import clock, csvfile
from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.reports import figures
from marketplace.web import auth
from marketplace.web.forms import Form
from marketplace.web.params import PathId, query_id, query_text
from marketplace.web.render import csv_download, page, redirect, refused
from marketplace.web.request import AppRequest
from marketplace.workunits import appointing, portal, service
from marketplace.workunits.service import UnitFields, UnitFilter

REGISTRY = "/admin/work-units"


def _fields(form: Form) -> UnitFields:
    return UnitFields(
        name=form.str("name", max_length=200), party_org=form.str("party_org", max_length=200),
        contact_name=form.str("contact_name", max_length=200),
        contact_phone=form.str("contact_phone", max_length=100),
        party_members=form.int("party_members", required=False, label=_("Party members"))
        or 0)


def _district_choice(raw: str) -> tuple[int | None, bool]:
    """The registry a form or filter names: a district's id, "none" (no district), or
    "" (every registry the asker keeps)."""
    if raw == "none":
        return None, True
    return query_id(raw, _("District")), False


class RegistryController(Controller):
    path = REGISTRY
    opt = {auth.GUARD: auth.login_required}

    async def _list(self, request: AppRequest, district: str = "", q: str = "",
                    status: str = "", errors: dict[str, str] | None = None,
                    values: dict[str, str] | None = None, status_code: int = 200) -> Any:
        me = request.principal
        district_id, no_district = _district_choice(district)
        rows = await service.units(me, UnitFilter(district_id, no_district, q, status))
        return page(request, "workunits/registry.html", "workunits/_registry_rows.html",
                    status_code=status_code, units=rows, districts=await service.districts(me),
                    filters={"district": district, "q": q, "status": status},
                    errors=errors or {}, values=values or {})

    @get("/", name="work_units")
    async def index(self, request: AppRequest, district: FromQuery[str | None] = None,
                    q: FromQuery[str | None] = None,
                    status: FromQuery[str | None] = None) -> Any:
        return await self._list(request, query_text(district), query_text(q, _("Search")),
                                query_text(status))

    @post("/", name="work_unit_add")
    async def add(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        try:
            district_id, _none = _district_choice(form.str("district"))
            unit_id = await service.add(request.principal, district_id, _fields(form))
        except DomainError as exc:
            return await self._list(request, errors={exc.field or "name": exc.message},
                                    values=form.values(), status_code=refused(request, exc))
        return redirect(request, f"{REGISTRY}/{unit_id}", _("The work unit is added."))

    async def _unit(self, request: AppRequest, unit_id: int,
                    errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
                    status_code: int = 200, context: dict[str, Any] | None = None) -> Any:
        me = request.principal
        row = await service.unit(me, unit_id)
        others = [u for u in await service.units(me, UnitFilter(
            row["district"], row["district"] is None)) if u["id"] != unit_id]
        counts = await service.member_counts([unit_id])
        return page(request, "workunits/unit.html", status_code=status_code, unit=row,
                    others=others, contacts=await service.contacts(me, unit_id),
                    members=counts.get(unit_id, 0), errors=errors or {},
                    values=values or {}, **(context or {}))

    @get("/{unit_id:int}", name="work_unit")
    async def show(self, request: AppRequest, unit_id: PathId) -> Any:
        return await self._unit(request, unit_id)

    @post("/{unit_id:int}", name="work_unit_edit")
    async def edit(self, request: AppRequest, unit_id: PathId) -> Any:
        form = await Form.read(request)
        try:
            await service.edit(request.principal, unit_id, _fields(form))
        except DomainError as exc:
            return await self._unit(request, unit_id, {exc.field or "name": exc.message},
                                    form.values(), refused(request, exc))
        return redirect(request, f"{REGISTRY}/{unit_id}", _("The work unit is saved."))

    @post("/{unit_id:int}/accept", name="work_unit_accept")
    async def accept(self, request: AppRequest, unit_id: PathId) -> Any:
        try:
            await service.accept(request.principal, unit_id)
        except DomainError as exc:
            return redirect(request, f"{REGISTRY}/{unit_id}", exc.message, "error")
        return redirect(request, f"{REGISTRY}/{unit_id}",
                        _("The work unit is accepted into the registry."))

    @post("/{unit_id:int}/merge", name="work_unit_merge")
    async def merge(self, request: AppRequest, unit_id: PathId) -> Any:
        form = await Form.read(request)
        try:
            into = form.id("into", required=False, label=_("Work unit"))
            moved = await service.merge(request.principal, unit_id, into)
        except DomainError as exc:
            return await self._unit(request, unit_id, {exc.field or "into": exc.message},
                                    form.values(), refused(request, exc))
        return redirect(request, f"{REGISTRY}/{into}",
                        _("Merged: %(n)s members moved to this work unit.", n=moved))

    @get("/{unit_id:int}/pick", name="work_unit_contact_pick")
    async def pick(self, request: AppRequest, unit_id: PathId,
                   person: FromQuery[str | None] = None) -> Any:
        """The people the contact search finds (htmx swaps them under the input as it is
        typed); the same markup the unit's page shows after a search without JavaScript."""
        text = query_text(person, _("Person"))
        found = await service.choices(request.principal, unit_id, text)
        nobody = appointing.nobody(request.principal, text.strip()) if (
            text.strip() and not found) else ""
        return page(request, "workunits/_contact_choices.html",
                    "workunits/_contact_choices.html", contact_choices=found,
                    contact_message=nobody)

    @post("/{unit_id:int}/contacts", name="work_unit_contact_add")
    async def appoint(self, request: AppRequest, unit_id: PathId) -> Any:
        form = await Form.read(request)
        try:
            chosen = form.id("person_id", required=False, label=_("Person"))
            await service.appoint(request.principal, unit_id,
                                  form.str("person", max_length=64), chosen)
        except DomainError as exc:
            found = exc.choices if isinstance(exc, appointing.Choose) else []
            return await self._unit(request, unit_id, {"person": exc.message},
                                    form.values(), refused(request, exc),
                                    {"contact_choices": found})
        return redirect(request, f"{REGISTRY}/{unit_id}", _("The contact is appointed."))

    @post("/contacts/{contact_id:int}/end", name="work_unit_contact_end")
    async def end(self, request: AppRequest, contact_id: PathId) -> Any:
        unit_id = await service.end_contact(request.principal, contact_id)
        return redirect(request, f"{REGISTRY}/{unit_id}", _("The appointment is ended."))


def _local_day(moment: datetime) -> str:
    return clock.local_time(moment, "%Y-%m-%d")


def _period(raw: str | None) -> portal.Period:
    return portal.period(query_text(raw))


class PortalController(Controller):
    path = "/unit"
    opt = {auth.GUARD: auth.login_required}

    @get("/", name="unit_portal_choose")
    async def choose(self, request: AppRequest) -> Any:
        units = await portal.my_units(request.principal)
        if len(units) == 1:
            return redirect(request, f"/unit/{units[0]['id']}")
        return page(request, "workunits/choose.html", units=units)

    @get("/{unit_id:int}", name="unit_portal")
    async def show(self, request: AppRequest, unit_id: PathId,
                   period: FromQuery[str | None] = None) -> Any:
        table = await portal.table(request.principal, unit_id, _period(period))
        return page(request, "workunits/portal.html", t=table, periods=portal.PERIODS,
                    hours=figures.hours, local_day=_local_day)

    @get("/{unit_id:int}/members.csv", name="unit_portal_csv")
    async def csv(self, request: AppRequest, unit_id: PathId,
                  period: FromQuery[str | None] = None) -> Any:
        table = await portal.table(request.principal, unit_id, _period(period))
        header, rows = portal.csv_rows(table)
        stamp = clock.today().isoformat()
        return csv_download(f"work-unit-{unit_id}-{table.period.key}-{stamp}.csv",
                            csvfile.document(header, rows))

    @get("/{unit_id:int}/members/{user_id:int}", name="unit_portal_member")
    async def member(self, request: AppRequest, unit_id: PathId, user_id: PathId,
                     period: FromQuery[str | None] = None) -> Any:
        chosen = _period(period)
        found = await portal.member(request.principal, unit_id, user_id, chosen)
        return page(request, "workunits/member.html", m=found, period=chosen,
                    periods=portal.PERIODS, hours=figures.hours)


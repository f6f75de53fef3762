"""Statutory service certificates: issue, print, list and revoke (staff)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, get, post
from litestar.params import FromQuery

from marketplace import paging
from marketplace.community.views import picker
from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.reports import certificates, register, service
from marketplace.web import auth
from marketplace.web.forms import Form
from marketplace.web.params import PathId, query_id, query_text
from marketplace.web.render import absolute_url, page, redirect, refused
from marketplace.web.request import AppRequest

BASE = "/staff/certificates"


class CertificateRegisterController(Controller):
    path = BASE
    opt = {auth.GUARD: auth.staff_required}

    @get("/", name="certificate_register")
    async def index(self, request: AppRequest, community_id: FromQuery[str | None] = None,
                    q: FromQuery[str | None] = None,
                    before: FromQuery[str | None] = None) -> Any:
        chosen = query_id(community_id, _("Community")) \
            or service.default_community(request.principal)
        return await self._index(request, chosen, query_text(q), paging.cursor(before))

    async def _index(self, request: AppRequest, community_id: int, query: str = "",
                     before: int | None = None, errors: dict[str, str] | None = None,
                     values: dict[str, str] | None = None, status_code: int = 200,
                     **picking: Any) -> Any:
        me = request.principal
        found = await register.listing(me, community_id, query, before)
        issuer = await register.issuer(me, community_id)
        more = urlencode({"community_id": community_id, "q": query,
                          "before": found.next_before}) if found.next_before else ""
        return page(request, "reports/register.html", status_code=status_code,
                    rows=found.rows, more=more, query=query, issuer=issuer,
                    errors=errors or {}, values=values or issuer,
                    pick_errors=picking.pop("pick_errors", {}),
                    pick_values=picking.pop("pick_values", {}), **picking)

    @post("/issuer")
    async def set_issuer(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        chosen = form.id("community_id", label=_("Community")) or 0
        try:
            await register.set_issuer(request.principal, chosen,
                                      form.str("formal_name", max_length=1000),
                                      form.str("person_in_charge", max_length=1000))
        except DomainError as exc:
            return await self._index(request, chosen, errors={exc.field or "form": exc.message},
                                     values=form.values(), status_code=refused(request, exc))
        return redirect(request, f"{BASE}/?community_id={chosen}",
                        _("The issuing organisation is saved."))

    async def _new(self, request: AppRequest, user_id: int, period: service.Period,
                   errors: dict[str, str] | None = None,
                   values: dict[str, str] | None = None, status_code: int = 200) -> Any:
        record = await service.service_record(request.principal, user_id, period)
        ident = await register.identity(user_id)
        issuer = await register.issuer(request.principal, int(record.person["community"]))
        return page(request, "reports/certificate_new.html", status_code=status_code,
                    record=record, period=period, issuer=issuer,
                    id_type_options=register.id_type_options(),
                    errors=errors or {}, values=values or {
                        **ident, "date_from": period.first.isoformat(),
                        "date_to": period.last.isoformat()})

    @get("/new", name="certificate_new")
    async def new(self, request: AppRequest, user_id: FromQuery[str | None] = None,
                  community_id: FromQuery[str | None] = None,
                  person: FromQuery[str | None] = None, person_id: FromQuery[str | None] = None,
                  date_from: FromQuery[str | None] = None,
                  date_to: FromQuery[str | None] = None) -> Any:
        period = service.parse_period(date_from, date_to, default_months=12)
        chosen = query_id(user_id, _("Person"))
        if chosen is not None:
            return await self._new(request, chosen, period)
        # From the register's picker: a helper of the community, by name, login or phone.
        community = query_id(community_id, _("Community")) \
            or service.default_community(request.principal)
        typed = {"person": query_text(person), "person_id": query_text(person_id)}
        try:
            chosen = await picker.picked(Form(typed), request.principal, community,
                                         helpers_only=True)
        except DomainError as exc:
            return await self._index(
                request, community, status_code=refused(request, exc),
                pick_errors={exc.field or "person": exc.message}, pick_values=typed,
                **await picker.picker_context(exc, helpers_only=True))
        return await self._new(request, chosen, period)

    @post("/new")
    async def issue(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        person = form.id("user_id", label=_("Person")) or 0
        me = request.principal
        try:
            first = form.date("date_from", required=True, label=_("From"))
            last = form.date("date_to", required=True, label=_("To"))
            ident = {name: form.str(name, max_length=64)
                     for name in ("id_type", "id_number", "volunteer_number")}
            cert_id = await register.issue(me, person, first, last,  # type: ignore[arg-type]
                                           form.str("notes", max_length=1000), ident)
        except DomainError as exc:
            period = service.parse_period(form.str("date_from", max_length=16),
                                          form.str("date_to", max_length=16), 12)
            return await self._new(request, person, period, {exc.field or "form": exc.message},
                                   form.values(), refused(request, exc))
        return redirect(request, f"{BASE}/{cert_id}", _("The certificate is issued and "
                                                         "written to the register."))

    @get("/{cert_id:int}", name="certificate_issued")
    async def show(self, request: AppRequest, cert_id: PathId) -> Any:
        return await self._show(request, cert_id)

    async def _show(self, request: AppRequest, cert_id: int,
                    errors: dict[str, str] | None = None,
                    values: dict[str, str] | None = None, status_code: int = 200) -> Any:
        row = await register.get(request.principal, cert_id)
        url = absolute_url(request, f"/verify/{row['token']}")
        return page(request, "reports/statutory.html", status_code=status_code, cert=row,
                    p=row["printed"], verify_url=url, id_types=certificates.ID_TYPES,
                    qr=certificates.qr_svg(url, _("QR code of the verification link")),
                    errors=errors or {}, values=values or {})

    @post("/{cert_id:int}/revoke")
    async def revoke(self, request: AppRequest, cert_id: PathId) -> Any:
        form = await Form.read(request)
        try:
            await register.revoke(request.principal, cert_id,
                                  form.str("reason", max_length=1000))
        except DomainError as exc:
            return await self._show(request, cert_id, {exc.field or "form": exc.message},
                                    form.values(), refused(request, exc))
        return redirect(request, f"{BASE}/{cert_id}", _("The certificate is revoked."))


"""A helper's service record, the printable certificate, and its public verification."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery

from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.reports import certificates, register, service
from marketplace.web import auth
from marketplace.web.forms import Form
from marketplace.web.render import absolute_url, page, redirect, refused
from marketplace.web.request import AppRequest

OWN_RECORD = "/me/record"


async def render_record(request: AppRequest, user_id: int, period: service.Period,
                        action: str, errors: dict[str, str] | None = None,
                        values: dict[str, str] | None = None, status_code: int = 200) -> Any:
    record = await service.service_record(request.principal, user_id, period)
    own = action == OWN_RECORD
    staff = request.principal.can_staff(int(record.person["community"]))
    return page(request, "reports/record.html", "reports/_record.html", record=record,
                period=period, action=action, status_code=status_code,
                certificate_url=f"{OWN_RECORD}/certificate?{period.query()}" if own else None,
                issue_url=f"/staff/certificates/new?user_id={user_id}&{period.query()}"
                if staff else None,
                id_type_options=register.id_type_options(), errors=errors or {},
                identity=values or (await register.identity(user_id) if own else None))


class ServiceRecordController(Controller):
    path = OWN_RECORD
    opt = {auth.GUARD: auth.login_required}

    @get("/", name="service_record")
    async def record(self, request: AppRequest, date_from: FromQuery[str | None] = None,
                     date_to: FromQuery[str | None] = None) -> Any:
        period = service.parse_period(date_from, date_to, default_months=12)
        return await render_record(request, request.principal.user_id, period,
                                   action=OWN_RECORD)

    @post("/identity")
    async def identity(self, request: AppRequest) -> Any:
        """The ID type, masked number and volunteer number a statutory certificate
        prints, entered by the helper (staff may enter them when issuing one)."""
        form = await Form.read(request)
        me = request.principal
        try:
            await register.set_identity(me, me.user_id, form.str("id_type", max_length=32),
                                        form.str("id_number", max_length=64),
                                        form.str("volunteer_number", max_length=64))
        except DomainError as exc:
            period = service.parse_period(None, None, default_months=12)
            return await render_record(request, me.user_id, period, OWN_RECORD,
                                       {exc.field or "form": exc.message}, form.values(),
                                       refused(request, exc))
        return redirect(request, OWN_RECORD, _("Saved. Only the masked number is kept."))

    @get("/certificate", name="service_certificate")
    async def certificate(self, request: AppRequest, date_from: FromQuery[str | None] = None,
                          date_to: FromQuery[str | None] = None) -> Any:
        period = service.parse_period(date_from, date_to, default_months=12)
        issued = await service.certificate(request.principal, period)
        url = absolute_url(request, f"/verify/{issued.token}")
        return page(request, "reports/certificate.html", cert=issued.cert,
                    record=issued.record, number=issued.number, verify_url=url,
                    qr=certificates.qr_svg(url, _("QR code of the verification link")))


class VerifyController(Controller):
    @get("/verify/{token:str}", name="verify_certificate")
    async def verify(self, request: AppRequest, token: FromPath[str]) -> Any:
        verdict = await service.verify_certificate(token)
        return page(request, "reports/verify.html", cert=verdict.cert,
                    unchanged=verdict.unchanged, number=verdict.number,
                    registered=verdict.registered)

"""A helper's service record, the printable certificate, and its public verification."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.params import FromPath, FromQuery

from marketplace.i18n import _
from marketplace.reports import certificates, service
from marketplace.web import auth
from marketplace.web.render import absolute_url, page
from marketplace.web.request import AppRequest

OWN_RECORD = "/me/record"


async def render_record(request: AppRequest, user_id: int, period: service.Period,
                        action: str) -> Any:
    record = await service.service_record(request.principal, user_id, period)
    return page(request, "reports/record.html", "reports/_record.html", record=record,
                period=period, action=action,
                certificate_url=f"{OWN_RECORD}/certificate?{period.query()}"
                if action == OWN_RECORD else None)


class ServiceRecordController(Controller):
    path = OWN_RECORD
    guards = [auth.login_required]

    @get("/", name="service_record")
    async def record(self, request: AppRequest, date_from: FromQuery[str | None] = None,
                     date_to: FromQuery[str | None] = None) -> Any:
        period = service.parse_period(date_from, date_to, default_months=12)
        return await render_record(request, request.principal.user_id, period,
                                   action=OWN_RECORD)

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
                    unchanged=verdict.unchanged, number=verdict.number)

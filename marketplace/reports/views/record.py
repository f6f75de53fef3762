"""A helper's service record, the printable certificate, and its public verification."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery

from marketplace.i18n import _
from marketplace.reports import certificates, records, service
from marketplace.web import auth
from marketplace.web.render import page


async def render_record(request: Request, user_id: int, period: service.Period,
                        action: str) -> Any:
    record = await records.service_record(user_id, period.start, period.end)
    if record is None:
        raise NotFoundException()
    return page(request, "reports/record.html", "reports/_record.html", record=record,
                period=period, action=action,
                certificate_url=f"/me/record/certificate?{period.query()}"
                if action == "/me/record" else None)


class ServiceRecordController(Controller):
    path = "/me/record"
    guards = [auth.login_required]

    @get("/", name="service_record")
    async def record(self, request: Request, date_from: FromQuery[str | None] = None,
                     date_to: FromQuery[str | None] = None) -> Any:
        me = auth.require_user(request)
        period = service.parse_period(date_from, date_to, default_months=12)
        return await render_record(request, me.user_id, period, action="/me/record")

    @get("/certificate", name="service_certificate")
    async def certificate(self, request: Request, date_from: FromQuery[str | None] = None,
                          date_to: FromQuery[str | None] = None) -> Any:
        me = auth.require_user(request)
        period = service.parse_period(date_from, date_to, default_months=12)
        record = await records.service_record(me.user_id, period.start, period.end)
        assert record is not None
        cert = certificates.from_record(record, period.first, period.last, service.today())
        token = certificates.token(cert)
        url = str(request.base_url).rstrip("/") + f"/verify/{token}"
        return page(request, "reports/certificate.html", cert=cert, record=record,
                    number=certificates.number(token), verify_url=url,
                    qr=certificates.qr_svg(url, _("QR code of the verification link")))


class VerifyController(Controller):
    @get("/verify/{token:str}", name="verify_certificate")
    async def verify(self, request: Request, token: FromPath[str]) -> Any:
        cert = certificates.verify(token)
        unchanged = None
        if cert is not None:
            period = service.Period(date.fromisoformat(cert.start),
                                    date.fromisoformat(cert.end))
            record = await records.service_record(cert.user_id, period.start, period.end)
            current = (certificates.from_record(record, period.first, period.last,
                                                service.today()) if record else None)
            unchanged = current is not None and current.figures() == cert.figures()
            if current is not None:
                cert = certificates.with_identity(cert, current)
        return page(request, "reports/verify.html", cert=cert, unchanged=unchanged,
                    number=certificates.number(token) if cert else None)

"""The report back (双报告): staff see and send the cards; a work unit reads those sent."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.params import FromQuery

from marketplace import clock
from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.reports import cards, reportback
from marketplace.reports.cards import CardPeriod
from marketplace.reports.service import default_community
from marketplace.web import auth
from marketplace.web.forms import Form
from marketplace.web.params import PathId, query_id, query_text
from marketplace.web.render import csv_download, page, redirect, refused
from marketplace.web.request import AppRequest

BASE = "/staff/reportback"


def read_period(raw: str | None) -> CardPeriod:
    """The period asked for; blank: last quarter, the cards due now. Anything else that is
    not a period is refused (a link or form from this site always carries a good one)."""
    if not raw:
        return cards.quarter_of(clock.today()).previous()
    found = cards.parse(raw)
    if found is None:
        raise DomainError(_("Please choose a quarter (such as 2026-Q3) or a year."), "period")
    return found


def grade_options() -> list[tuple[str, str]]:
    return [(code, _(label)) for code, label in cards.GRADES.items()]


def card_url(user_id: int, period: CardPeriod) -> str:
    return f"{BASE}/cards/{user_id}?period={period.label}"


class StaffReportbackController(Controller):
    path = BASE
    opt = {auth.GUARD: auth.staff_required}

    @get("/", name="reportback")
    async def overview(self, request: AppRequest, community_id: FromQuery[str | None] = None,
                       period: FromQuery[str | None] = None) -> Any:
        chosen = query_id(community_id, _("Community")) or default_community(request.principal)
        data = await reportback.overview(request.principal, chosen, read_period(period))
        return page(request, "reports/reportback.html", **data)

    async def _card(self, request: AppRequest, user_id: int, period: CardPeriod,
                    errors: dict[str, str] | None = None,
                    values: dict[str, str] | None = None, status_code: int = 200) -> Any:
        found = await reportback.card(request.principal, user_id, period)
        return page(request, "reports/card.html", status_code=status_code, card=found,
                    editable=found.state != "sent", errors=errors or {},
                    values=values or {"comment": found.comment, "grade": found.grade},
                    grades=cards.GRADES, grade_options=grade_options(), staff_links=True,
                    back=f"{BASE}/?community_id={found.community['id']}"
                    f"&period={period.label}")

    @get("/cards/{user_id:int}", name="reportback_card")
    async def show(self, request: AppRequest, user_id: PathId,
                   period: FromQuery[str | None] = None) -> Any:
        return await self._card(request, user_id, read_period(period))

    @post("/cards/{user_id:int}")
    async def save(self, request: AppRequest, user_id: PathId) -> Any:
        form = await Form.read(request)
        chosen = read_period(form.str("period", max_length=16))
        try:
            # A quarterly card has no grade (and no field to show an error at).
            grade = form.str("grade", max_length=16) if chosen.kind == cards.YEAR else ""
            await reportback.save(request.principal, user_id, chosen,
                                  form.str("comment", max_length=5000, multiline=True), grade)
        except DomainError as exc:
            return await self._card(request, user_id, chosen, {exc.field or "form": exc.message},
                                    form.values(), refused(request, exc))
        return redirect(request, card_url(user_id, chosen), _("The comment is saved."))

    @post("/cards/{user_id:int}/send")
    async def send(self, request: AppRequest, user_id: PathId) -> Any:
        form = await Form.read(request)
        chosen = read_period(form.str("period", max_length=16))
        try:
            await reportback.send(request.principal, user_id, chosen)
        except DomainError as exc:
            return await self._card(request, user_id, chosen, {exc.field or "form": exc.message},
                                    None, refused(request, exc))
        return redirect(request, card_url(user_id, chosen),
                        _("Marked as sent. The card's figures are kept as they are now."))

    @post("/send")
    async def send_batch(self, request: AppRequest) -> Any:
        """Mark every ready card of a work unit (or of the community) sent."""
        form = await Form.read(request)
        chosen = form.id("community_id", label=_("Community")) or 0
        when = read_period(form.str("period", max_length=16))
        unit = form.str("unit", max_length=200) or None
        sent, waiting = await reportback.send_batch(request.principal, chosen, when, unit)
        message = _("Cards marked as sent: %(n)s. Still waiting for a comment or a grade: "
                    "%(w)s.", n=sent, w=waiting)
        return redirect(request, f"{BASE}/?community_id={chosen}&period={when.label}",
                        message, "success" if sent else "info")

    @get("/print", name="reportback_print")
    async def print_batch(self, request: AppRequest, community_id: FromQuery[str | None] = None,
                          period: FromQuery[str | None] = None,
                          unit: FromQuery[str | None] = None) -> Any:
        chosen = query_id(community_id, _("Community")) or default_community(request.principal)
        found = await reportback.batch(request.principal, chosen, read_period(period),
                                       query_text(unit) or None)
        return page(request, "reports/cards_print.html", cards=found, period=read_period(period),
                    grades=cards.GRADES,
                    back=f"{BASE}/?community_id={chosen}&period={read_period(period).label}")

    @get("/export", name="reportback_export")
    async def export(self, request: AppRequest, community_id: FromQuery[str | None] = None,
                     period: FromQuery[str | None] = None,
                     unit: FromQuery[str | None] = None) -> Response[Any]:
        chosen = query_id(community_id, _("Community")) or default_community(request.principal)
        when = read_period(period)
        found = await reportback.batch(request.principal, chosen, when, query_text(unit) or None)
        return csv_download(f"service-cards-{chosen}-{when.label}.csv",
                            reportback.csv_rows(found))


class UnitCardsController(Controller):
    """The cards sent to a work unit, for its contact persons (the portal links here)."""

    path = "/unit/{unit_id:int}/cards"
    opt = {auth.GUARD: auth.login_required}

    @get("/", name="unit_cards")
    async def index(self, request: AppRequest, unit_id: PathId) -> Any:
        found = await reportback.unit_cards(request.principal, unit_id)
        return page(request, "reports/unit_cards.html", cards=found, unit_id=unit_id)

    @get("/{card_id:int}", name="unit_card")
    async def show(self, request: AppRequest, unit_id: PathId, card_id: PathId) -> Any:
        found = await reportback.unit_card(request.principal, unit_id, card_id)
        return page(request, "reports/card.html", card=found, editable=False, errors={},
                    values={}, grades=cards.GRADES, back=f"/unit/{unit_id}/cards")

    @get("/export", name="unit_cards_export")
    async def export(self, request: AppRequest, unit_id: PathId) -> Response[Any]:
        found = await reportback.unit_cards(request.principal, unit_id)
        return csv_download(f"service-cards-unit-{unit_id}.csv", reportback.csv_rows(found))

"""Assembling the reports: authorisation and periods here, numbers in queries/records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from marketplace import clock
from marketplace.community import service as places
from marketplace.community.tables import Community, Grid
from marketplace.errors import Forbidden, NotFound
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.reports import charts, figures, queries, records


@dataclass(frozen=True)
class Period:
    first: date  # local calendar days, both inclusive
    last: date
    error: str = ""

    @property
    def start(self) -> datetime:
        return figures.local_day_start(self.first)

    @property
    def end(self) -> datetime:
        return figures.local_day_start(self.last + timedelta(days=1))

    def query(self) -> str:
        return f"date_from={self.first.isoformat()}&date_to={self.last.isoformat()}"


def today() -> date:
    return figures.local_date(datetime.now(clock.LOCAL))


def parse_period(raw_from: str | None, raw_to: str | None, default_months: int = 6) -> Period:
    """Dates as YYYY-MM-DD; missing or wrong ones fall back to the last months."""
    last = today()
    default = Period(figures.add_months(figures.month_start(last), -(default_months - 1)), last)
    if not raw_from and not raw_to:
        return default
    try:
        first = date.fromisoformat((raw_from or "").strip()[:10]) if raw_from else default.first
        end = date.fromisoformat((raw_to or "").strip()[:10]) if raw_to else default.last
    except ValueError:
        return Period(default.first, default.last,
                      _("Please enter dates as YYYY-MM-DD: showing the last months."))
    if end < first:
        return Period(end, first, _("The dates were the wrong way round: swapped."))
    return Period(first, end)


def month_period(day: date) -> Period:
    first = figures.month_start(day)
    return Period(first, figures.add_months(first, 1) - timedelta(days=1))


def year_period(day: date) -> Period:
    return Period(date(day.year, 1, 1), date(day.year, 12, 31))


async def community(community_id: int) -> dict[str, Any]:
    row = await Community.select().where(Community.id == community_id).first()
    if row is None:
        raise NotFound(_("No such community."))
    return row


async def grids(community_id: int) -> list[dict[str, Any]]:
    return await Grid.select(Grid.id, Grid.name).where(Grid.community == community_id).order_by(
        Grid.name)


async def key_figures(scope: queries.Scope) -> dict[str, Any]:
    """The figures the public page and the dashboard share (no personal data)."""
    status = await queries.by_status(scope)
    return {
        "status": status,
        "posted": sum(status.values()),
        "stages": figures.summarise_stages(await queries.stage_times(scope)),
        "points": await queries.points(scope),
        "people": await queries.active_people(scope),
        "issues": await queries.open_issues(scope.community_id, scope.grid_id),
    }


def _short(labels: list[str]) -> list[str]:
    # "2026-06" → "26-06": twelve full labels do not fit side by side on a phone.
    return [label[2:] for label in labels]


def _trend_charts(monthly: queries.Trend, weekly: queries.Trend) -> dict[str, Any]:
    return {
        "monthly": monthly, "weekly": weekly,
        "monthly_posted": charts.bar_chart(
            _("Wishes posted per month"),
            _("Bar chart of the number of wishes posted in each of the last 12 months."),
            _short(monthly.labels), monthly.posted),
        "monthly_confirmed": charts.bar_chart(
            _("Wishes confirmed per month"),
            _("Bar chart of the number of wishes confirmed in each of the last 12 months."),
            _short(monthly.labels), monthly.confirmed),
        "monthly_issued": charts.bar_chart(
            _("Points issued per month"),
            _("Bar chart of the points issued in each of the last 12 months."),
            _short(monthly.labels), monthly.issued),
        "weekly_posted": charts.bar_chart(
            _("Wishes posted per week"),
            _("Bar chart of the number of wishes posted in each of the last 12 weeks."),
            weekly.labels, weekly.posted, horizontal_labels_every=2),
    }


async def dashboard(actor: Principal, community_id: int, grid_id: int | None,
                    period: Period) -> dict[str, Any]:
    if not actor.can_staff(community_id):
        raise Forbidden(_("This page is for staff of that community."))
    grid_list = await grids(community_id)
    if grid_id and grid_id not in {g["id"] for g in grid_list}:
        grid_id = None
    scope = queries.Scope(community_id, period.start, period.end, grid_id)
    data = await key_figures(scope)
    categories = await queries.by_category(scope)
    monthly = await queries.trend(community_id, grid_id, period.last, monthly=True)
    weekly = await queries.trend(community_id, grid_id, period.last, monthly=False)
    return {
        **data, "community": await community(community_id), "grids": grid_list,
        "grid_id": grid_id, "period": period, "categories": categories,
        "category_chart": charts.bar_chart(
            _("Wishes by category"),
            _("Bar chart of the number of wishes posted in each category in the period."),
            [c[0] for c in categories], [c[1] for c in categories]),
        "charts": _trend_charts(monthly, weekly),
        "roll": await records.honour_roll(community_id, period.start, period.end),
    }


async def public_page(community_id: int) -> dict[str, Any]:
    row = await community(community_id)
    if row["archived"]:
        raise NotFound(_("No such community."))
    day = today()
    year = Period(figures.add_months(figures.month_start(day), -11), day)
    scope = queries.Scope(community_id, year.start, year.end)
    month, this_year = month_period(day), year_period(day)
    monthly = await queries.trend(community_id, None, day, monthly=True)
    return {
        **await key_figures(scope), "community": row, "period": year,
        "month": month, "year": this_year,
        "roll_month": await records.honour_roll(community_id, month.start, month.end),
        "roll_year": await records.honour_roll(community_id, this_year.start, this_year.end),
        "charts": {"monthly": monthly, "monthly_confirmed": charts.bar_chart(
            _("Wishes confirmed per month"),
            _("Bar chart of the number of wishes confirmed in each of the last 12 months."),
            _short(monthly.labels), monthly.confirmed)},
    }


async def public_communities() -> list[dict[str, Any]]:
    return [c for c in await places.list_communities() if not c["archived"]]


def default_community(actor: Principal) -> int:
    if actor.staff_community_ids:
        return min(actor.staff_community_ids)
    return actor.community_id

"""The reports' one door: who may see which figures is decided here, per community and
per person, and periods are read here; the numbers come from queries, records and exports.

Staff see their own communities, administrators every community, a person their own
service record; the public page and a certificate's verification need no one signed in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from marketplace import clock, db, naturalsort, settings
from marketplace.community import service as places
from marketplace.community.tables import Community, Grid
from marketplace.errors import Forbidden, NotFound
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.reports import (
    certificates,
    charts,
    exports,
    figures,
    queries,
    records,
    register,
    stages,
)
from marketplace.reports.cache import ShortCache
from marketplace.reports.certificates import Certificate
from marketplace.reports.records import ServiceRecord

EXPORTS = ("wishes", "transfers", "redemptions", "members", "work-units")


@dataclass(frozen=True)
class Period:
    first: date  # local calendar days, both inclusive
    last: date
    error: str = ""

    @property
    def start(self) -> datetime:
        return clock.day_start(self.first)

    @property
    def end(self) -> datetime:
        return clock.day_end(self.last)

    def query(self) -> str:
        return f"date_from={self.first.isoformat()}&date_to={self.last.isoformat()}"


def parse_period(raw_from: str | None, raw_to: str | None, default_months: int = 6) -> Period:
    """Dates as YYYY-MM-DD; missing or wrong ones fall back to the last months."""
    last = clock.today()
    default = Period(figures.add_months(figures.month_start(last), -(default_months - 1)), last)
    try:
        first = clock.parse_day(raw_from) or default.first
        end = clock.parse_day(raw_to) or default.last
    except clock.BadDate:
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
    return naturalsort.by_name(
        await Grid.select(Grid.id, Grid.name).where(Grid.community == community_id),
        lambda row: str(row["name"]))


async def key_figures(scope: queries.Scope) -> dict[str, Any]:
    """The figures the public page and the dashboard share (no personal data), and the
    period's wishes by category (the dashboard's; read with those by status)."""
    counts, samples, points, people, issues = await db.together(
        queries.wish_counts(scope), queries.stage_samples(scope), queries.points(scope),
        queries.active_people(scope), queries.open_issues(scope.community_id, scope.grid_id))
    return {"status": counts.status, "posted": sum(counts.status.values()),
            "categories": counts.categories,
            "stages": stages.summaries(samples), "points": points, "people": people,
            "issues": issues}


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


def _staff_community(actor: Principal, community_id: int | None) -> int:
    """The community asked for (else the actor's first one), if the actor is its staff."""
    chosen = community_id or default_community(actor)
    if not actor.can_staff(chosen):
        raise Forbidden(_("This page is for staff of that community."))
    return chosen


def default_community(actor: Principal) -> int:
    if actor.staff_community_ids:
        return min(actor.staff_community_ids)
    return actor.community_id


async def dashboard(actor: Principal, community_id: int | None, grid_id: int | None,
                    period: Period) -> dict[str, Any]:
    return await dashboard_figures(_staff_community(actor, community_id), grid_id, period)


async def dashboard_figures(community_id: int, grid_id: int | None,
                            period: Period) -> dict[str, Any]:
    """A community's dashboard for a reader already authorised: its staff (``dashboard``)
    or street and district staff drilling down (``areas.community_dashboard``)."""
    # The grids are read first only to check a grid asked for; else beside the figures.
    grid_list = await grids(community_id) if grid_id else None
    if grid_list is not None and grid_id not in {g["id"] for g in grid_list}:
        grid_id = None
    scope = queries.Scope(community_id, period.start, period.end, grid_id)
    with db.custom_plans():
        data, (monthly, weekly), row, roll, *found = await db.together(
            key_figures(scope), queries.trends(community_id, grid_id, period.last),
            community(community_id), records.honour_roll(community_id, period.start, period.end),
            *([] if grid_list is not None else [grids(community_id)]))
    grid_list = found[0] if found else grid_list
    categories = data["categories"]
    return {
        **data, "community": row, "grids": grid_list,
        "grid_id": grid_id, "period": period,
        "category_chart": charts.bar_chart(
            _("Wishes by category"),
            _("Bar chart of the number of wishes posted in each category in the period."),
            [c[0] for c in categories], [c[1] for c in categories]),
        "charts": _trend_charts(monthly, weekly), "roll": roll,
    }


@dataclass(frozen=True)
class PublicFigures:
    """What the public page shows, computed once per community and day by any process."""

    key: dict[str, Any]
    monthly: queries.Trend
    roll_month: list[figures.RollEntry]
    roll_year: list[figures.RollEntry]


async def _public_figures(community_id: int, day: date) -> PublicFigures:
    year = Period(figures.add_months(figures.month_start(day), -11), day)
    month, this_year = month_period(day), year_period(day)
    with db.custom_plans():
        key, monthly, roll_month, roll_year = await db.together(
            key_figures(queries.Scope(community_id, year.start, year.end)),
            queries.trend(community_id, None, day, monthly=True),
            records.honour_roll(community_id, month.start, month.end),
            records.honour_roll(community_id, this_year.start, this_year.end))
    return PublicFigures(key, monthly, roll_month, roll_year)


# The public page's figures, per process, for PUBLIC_PAGE_CACHE_SECONDS (README "Reports").
PUBLIC_CACHE: ShortCache[PublicFigures] = ShortCache(
    lambda: settings.get().public_page_cache_seconds)


async def public_page(community_id: int) -> dict[str, Any]:
    row = await community(community_id)
    if row["archived"]:
        raise NotFound(_("No such community."))
    day = clock.today()
    found = await PUBLIC_CACHE.get((community_id, day),
                                   lambda: _public_figures(community_id, day))
    monthly = found.monthly
    # Charts carry the reader's language, so they are drawn per request from the figures.
    return {
        **found.key, "community": row,
        "period": Period(figures.add_months(figures.month_start(day), -11), day),
        "month": month_period(day), "year": year_period(day),
        "roll_month": found.roll_month, "roll_year": found.roll_year,
        "charts": {"monthly": monthly, "monthly_confirmed": charts.bar_chart(
            _("Wishes confirmed per month"),
            _("Bar chart of the number of wishes confirmed in each of the last 12 months."),
            _short(monthly.labels), monthly.confirmed)},
    }


async def public_communities() -> list[dict[str, Any]]:
    return [c for c in await places.list_communities() if not c["archived"]]


# --- exports (staff) --------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    filename: str
    chunks: AsyncIterator[bytes]  # the CSV, read from the database as it is sent


def export(actor: Principal, what: str, community_id: int | None, period: Period) -> Export:
    """One of ``EXPORTS`` for staff of the community. Everything is checked here, before
    the first byte: a stream cannot turn into an error page once it has started."""
    community_id = _staff_community(actor, community_id)
    if what not in EXPORTS:
        raise NotFound(_("We could not find that page. It may have moved, or the address "
                         "may be mistyped."))
    start, end = period.start, period.end
    if what == "members":
        chunks = exports.members(actor, community_id)
    elif what == "work-units":
        chunks = exports.work_units(community_id, start, end)
    elif what == "wishes":
        chunks = exports.wishes(community_id, start, end)
    else:
        kind = "redeem" if what == "redemptions" else None
        chunks = exports.transfers(community_id, start, end, kind)
    stamp = f"{period.first:%Y%m%d}-{period.last:%Y%m%d}"
    return Export(f"{what}-{community_id}-{stamp}.csv", chunks)


# --- service records and certificates ---------------------------------------------------


async def service_record(actor: Principal, user_id: int, period: Period) -> ServiceRecord:
    """A person's confirmed service: for the person, and for staff of their community."""
    who = await records.person(user_id)
    if who is None:
        raise NotFound(_("No such person."))
    if user_id != actor.user_id and not actor.can_staff(int(who["community"])):
        raise Forbidden(_("This page is for staff of that community."))
    return await records.service_record(who, period.start, period.end)


@dataclass(frozen=True)
class Issued:
    cert: Certificate
    record: ServiceRecord
    token: str  # the end of the verification link
    number: str  # to quote on the phone


async def certificate(actor: Principal, period: Period) -> Issued:
    """The actor's own certificate for the period, signed today."""
    record = await service_record(actor, actor.user_id, period)
    cert = certificates.from_record(record, period.first, period.last, clock.today())
    token = certificates.token(cert)
    return Issued(cert, record, token, certificates.number(token))


@dataclass(frozen=True)
class Verdict:
    cert: Certificate | None  # None: not issued here, or altered
    unchanged: bool | None = None  # do the records still give the same figures?
    number: str | None = None
    registered: dict[str, Any] | None = None  # a statutory certificate, as in the register


async def verify_certificate(raw_token: str) -> Verdict:
    """Anyone may check a certificate: the link itself is what it vouches for, or (a
    statutory certificate) names its line in the register, which says if it is revoked."""
    cert_id = certificates.registered_id(raw_token)
    if cert_id is not None:
        row = await register.verified(cert_id)
        return Verdict(None, number=row["number"], registered=row) if row else Verdict(None)
    cert = certificates.verify(raw_token)
    if cert is None:
        return Verdict(None)
    first, last = cert.days()
    period = Period(first, last)
    who = await records.person(cert.user_id)
    record = await records.service_record(who, period.start, period.end) if who else None
    current = (certificates.from_record(record, first, last, clock.today())
               if record else None)
    unchanged = current is not None and current.figures() == cert.figures()
    if current is not None:
        cert = certificates.with_identity(cert, current)
    return Verdict(cert, unchanged, certificates.number(raw_token))

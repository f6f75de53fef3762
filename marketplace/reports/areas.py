"""The reports' door for street and district staff: who may see which roll-up, and which
community's dashboard (read-only) they may drill down to.

Street staff see their street's communities; district staff every community of the
district (and each street); administrators everything. Community staff and residents
see none of it (their own dashboards are ``service.dashboard``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from marketplace import csvfile, settings
from marketplace.community import areas
from marketplace.community.tables import WorkUnit
from marketplace.errors import Forbidden, NotFound
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.reports import rollup, service
from marketplace.reports.cache import ShortCache
from marketplace.reports.rollup import Figures
from marketplace.reports.service import Period, year_period
from marketplace.wishes.labels import status_name

STATUSES = ("pending", "open", "claimed", "fulfilled", "disputed", "confirmed", "rejected",
            "cancelled", "expired")


@dataclass(frozen=True)
class Rollup:
    kind: str  # street | district
    area: dict[str, Any]  # the street (with its district's name) or the district
    district: dict[str, Any]
    period: Period
    rows: list[Figures]  # one per community
    streets: list[Figures]  # district roll-ups: one per street
    total: Figures
    declared: int  # party members the district's work units declare
    target_hours: int
    year: int


def may_see_street(actor: Principal, street: dict[str, Any]) -> bool:
    return (actor.is_admin or int(street["id"]) in actor.street_ids
            or int(street["district"]) in actor.district_ids)


def may_see_district(actor: Principal, district_id: int) -> bool:
    return actor.is_admin or district_id in actor.district_ids


async def _street(actor: Principal, street_id: int) -> dict[str, Any]:
    street = await areas.street(street_id)
    if not may_see_street(actor, street):
        raise Forbidden(_("This page is for staff of that street."))
    return street


async def _district(actor: Principal, district_id: int) -> dict[str, Any]:
    if not may_see_district(actor, district_id):
        raise Forbidden(_("This page is for staff of that district."))
    return await areas.district(district_id)


async def declared_party_members(district_id: int) -> int:
    rows = await WorkUnit.raw(
        "SELECT COALESCE(SUM(party_members), 0) AS n FROM work_unit "
        "WHERE district = {} AND status = 'active'", district_id)
    return int(rows[0]["n"] or 0)


def _window(period: Period, target_hours: int) -> rollup.Window:
    year = year_period(period.last)
    return rollup.Window(period.start, period.end, year.start, year.end, target_hours * 60)


# Street and district roll-ups per process for ROLLUP_CACHE_SECONDS (README "Streets and
# the district"): a district's figures change by the hour, and its staff open the page
# together (a meeting). Who may see one is decided before the cache is asked.
CACHE: ShortCache[Rollup] = ShortCache(lambda: settings.get().rollup_cache_seconds)


async def street_rollup(actor: Principal, street_id: int, period: Period) -> Rollup:
    street = await _street(actor, street_id)
    found = await CACHE.get(("street", street_id, period.first, period.last),
                            lambda: _street_rollup(street, period))
    return replace(found, period=period)  # the reader's own period note (language)


async def district_rollup(actor: Principal, district_id: int, period: Period) -> Rollup:
    district = await _district(actor, district_id)
    found = await CACHE.get(("district", district_id, period.first, period.last),
                            lambda: _district_rollup(district, period))
    return replace(found, period=period)


async def _street_rollup(street: dict[str, Any], period: Period) -> Rollup:
    street_id = int(street["id"])
    district = await areas.district(int(street["district"]))
    rows = await rollup.figures_by_community(
        await areas.communities_of_street(street_id),
        _window(period, district["yearly_target_hours"]))
    return Rollup("street", street, district, period, rows, [],
                  rollup.combine(street["name"], rows),
                  await declared_party_members(int(district["id"])),
                  district["yearly_target_hours"], period.last.year)


async def _district_rollup(district: dict[str, Any], period: Period) -> Rollup:
    district_id = int(district["id"])
    communities = await areas.communities_of_district(district_id)
    rows = await rollup.figures_by_community(
        communities, _window(period, district["yearly_target_hours"]))
    street_of = {int(c["id"]): int(c["street"]) for c in communities}
    streets = [rollup.combine(s["name"], [r for r in rows
                                          if street_of[r.community_id or 0] == s["id"]],
                              street_id=int(s["id"]))
               for s in await areas.streets(district_id)]
    return Rollup("district", district, district, period, rows, streets,
                  rollup.combine(district["name"], rows),
                  await declared_party_members(district_id),
                  district["yearly_target_hours"], period.last.year)


async def drill_down(actor: Principal, kind: str, area_id: int, community_id: int) -> None:
    """May the actor open this community's dashboard (read-only) from this area's roll-up?
    NotFound when the community is not in the area; Forbidden when the area is not theirs."""
    if kind == "street":
        await _street(actor, area_id)
        inside = await areas.street_of(community_id) == area_id
    else:
        await _district(actor, area_id)
        inside = await areas.district_of_community(community_id) == area_id
    if not inside:
        raise NotFound(_("No such community."))


async def community_dashboard(actor: Principal, kind: str, area_id: int, community_id: int,
                              grid_id: int | None, period: Period) -> dict[str, Any]:
    """The community's dashboard, read-only, for staff of its street or district."""
    await drill_down(actor, kind, area_id, community_id)
    return await service.dashboard_figures(community_id, grid_id, period)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def _hours(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 3600:.1f}"


def csv_rows(r: Rollup) -> list[list[Any]]:
    lines = []
    for f in [*r.rows, *r.streets, r.total]:
        stages = f.stages()
        lines.append([
            f.name, *[f.status.get(s, 0) for s in STATUSES], f.posted, f.street_escalated,
            _hours(stages["claim"].median), _hours(stages["claim"].p90),
            _hours(stages["fulfil"].median), _hours(stages["fulfil"].p90),
            f.issued, f.redeemed, f.outstanding, f.helpers, f.reported,
            _percent(f.report_in(r.declared)), _percent(f.completion),
            _percent(f.target_share()) if r.target_hours else ""])
    return lines


def csv_header() -> list[str]:
    return [_("Community"), *[_("Wishes: %(status)s", status=status_name(s)) for s in STATUSES],
            _("Wishes posted"), _("Escalated to the street"),
            _("Hours to claim (median)"), _("Hours to claim (p90)"),
            _("Hours to fulfil (median)"), _("Hours to fulfil (p90)"),
            _("Points issued"), _("Points redeemed"), _("Points outstanding now"),
            _("Active helpers"), _("Party members reported"), _("Report-in rate %"),
            _("Completion rate % (fulfilled ÷ approved)"),
            _("Members meeting the yearly target %")]


def csv_file(r: Rollup) -> tuple[str, bytes]:
    stamp = f"{r.period.first:%Y%m%d}-{r.period.last:%Y%m%d}"
    name = f"{r.kind}-{r.area['id']}-{stamp}.csv"
    return name, csvfile.document(csv_header(), csv_rows(r))

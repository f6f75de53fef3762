"""The work-unit portal: a unit's contact person sees the unit's own members (helpers whose
``work_unit_ref`` is the unit) — where each reported (双报到) and when, their confirmed
hours, wishes, activities and residents' ratings, and who is below the district's yearly
target. Nothing else: no other unit, no resident's name or phone (a wish shows its grid).

The figures are the service record's (``reports.records.tallies``), for all the members at
once: a few set-based queries bounded by the period, whatever the number of members.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from marketplace import clock, settings
from marketplace.accounts.tables import HelperProfile
from marketplace.community.tables import WorkUnit
from marketplace.errors import NotFound
from marketplace.i18n import N_, _
from marketplace.principal import Principal
from marketplace.reports import figures, records
from marketplace.reports import service as reports_service
from marketplace.reports.cache import ShortCache
from marketplace.reports.figures import HelperTally

PERIODS = {"year": N_("This year"), "last-year": N_("Last year"),
           "quarter": N_("This quarter")}


@dataclass(frozen=True)
class Period(reports_service.Period):
    """The reports' period, with the portal's name for it (a key of ``PERIODS``)."""
    key: str = "year"


def period(key: str | None, today: date | None = None) -> Period:
    """This year (the default, and any key not known), last year, or this quarter."""
    day = today or clock.today()
    if key == "last-year":
        return Period(date(day.year - 1, 1, 1), date(day.year - 1, 12, 31), key=key)
    if key == "quarter":
        first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return Period(first, figures.add_months(first, 3) - timedelta(days=1), key=key)
    return Period(date(day.year, 1, 1), date(day.year, 12, 31), key="year")


async def my_units(actor: Principal) -> list[dict[str, Any]]:
    """The units whose contact the actor is."""
    if not actor.work_unit_ids:
        return []
    return await WorkUnit.select(WorkUnit.id, WorkUnit.name).where(
        WorkUnit.id.is_in(sorted(actor.work_unit_ids))).order_by(WorkUnit.name)


async def unit(actor: Principal, unit_id: int) -> dict[str, Any]:
    """The unit, for its contact people, the administrators and its district's staff;
    anyone else is told there is no such unit."""
    row = await WorkUnit.select(WorkUnit.id, WorkUnit.name, WorkUnit.district,
                                WorkUnit.party_members, WorkUnit.status,
                                WorkUnit.district.name,
                                WorkUnit.district.yearly_target_hours).where(
        WorkUnit.id == unit_id).first()
    allowed = row is not None and (
        unit_id in actor.work_unit_ids or actor.is_admin
        or (row["district"] is not None and row["district"] in actor.district_ids))
    if not allowed:
        raise NotFound(_("No such work unit."))
    assert row is not None
    return row


@dataclass
class MemberLine:
    user_id: int
    name: str
    community: str
    status: str  # the helper profile's: pending | verified | declined
    reported_at: datetime  # registered as the community's helper (双报到)
    verified_at: datetime | None
    tally: HelperTally
    year_minutes: int  # confirmed minutes in the current year, for the target
    below_target: bool


async def _members(unit_id: int, user_id: int | None = None) -> list[dict[str, Any]]:
    where = HelperProfile.work_unit_ref == unit_id
    if user_id is not None:
        where &= HelperProfile.user == user_id
    return await HelperProfile.select(
        HelperProfile.user, HelperProfile.user.display_name, HelperProfile.user.community.name,
        HelperProfile.status, HelperProfile.created_at, HelperProfile.reviewed_at,
    ).where(where).order_by(HelperProfile.user.display_name)


async def _lines(row: dict[str, Any], people: list[dict[str, Any]], chosen: Period,
                 details: dict[int, records.Detail] | None = None) -> list[MemberLine]:
    ids = [int(p["user"]) for p in people]
    target = int(row["district.yearly_target_hours"] or 0) * 60
    this_year = period("year")
    if chosen == this_year or not target:  # the target needs this year's figures
        found = await records.tallies(None, chosen.start, chosen.end, ids, details)
        year = found if chosen == this_year else {}
    else:  # both at once: on PostgreSQL each on its own pooled connection
        found, year = await asyncio.gather(
            records.tallies(None, chosen.start, chosen.end, ids, details),
            records.tallies(None, this_year.start, this_year.end, ids))
    out = []
    for p in people:
        uid = int(p["user"])
        tally = found.get(uid) or HelperTally(uid)
        tally.name = p["user.display_name"]
        minutes = year[uid].total_minutes if uid in year else 0
        out.append(MemberLine(
            uid, p["user.display_name"], p["user.community.name"], p["status"],
            p["created_at"], p["reviewed_at"] if p["status"] == "verified" else None,
            tally, minutes, bool(target) and minutes < target))
    return out


@dataclass
class Table:
    unit: dict[str, Any]
    period: Period
    lines: list[MemberLine]
    target_hours: int

    @property
    def below(self) -> int:
        return sum(1 for line in self.lines if line.below_target)

    @property
    def reported(self) -> int:
        return sum(1 for line in self.lines if line.status == "verified")


# The portal's table per process for ROLLUP_CACHE_SECONDS, like the street and district
# roll-ups: a unit's figures change by the hour, and a unit's staff open the page together
# when the quarter's report is due. Who may see it is decided before the cache is asked.
CACHE: ShortCache[list[MemberLine]] = ShortCache(lambda: settings.get().rollup_cache_seconds)


async def table(actor: Principal, unit_id: int, chosen: Period) -> Table:
    row = await unit(actor, unit_id)
    async def compute() -> list[MemberLine]:
        return await _lines(row, await _members(unit_id), chosen)

    lines = await CACHE.get((unit_id, chosen.key, chosen.first, chosen.last), compute)
    return Table(row, chosen, lines, int(row["district.yearly_target_hours"] or 0))


@dataclass
class MemberDetail:
    unit: dict[str, Any]
    line: MemberLine
    detail: records.Detail


async def member(actor: Principal, unit_id: int, user_id: int, chosen: Period
                 ) -> MemberDetail:
    """One member's service entries; only a member of the unit (else 404)."""
    row = await unit(actor, unit_id)
    people = await _members(unit_id, user_id)
    if not people:
        raise NotFound(_("No such member of this work unit."))
    details: dict[int, records.Detail] = {}
    line = (await _lines(row, people, chosen, details))[0]
    return MemberDetail(row, line, details.get(user_id, records.Detail()))


def csv_rows(t: Table) -> tuple[list[str], list[list[Any]]]:
    header = [_("Name"), _("Community"), _("Helper status"), _("Reported"), _("Verified"),
              _("Confirmed hours"), _("Confirmed wishes"), _("Activities"),
              _("Average rating"), _("Ratings"), _("Hours this year"),
              _("Below the yearly target")]
    rows = [[line.name, line.community, line.status, line.reported_at, line.verified_at,
             figures.hours(line.tally.total_minutes), line.tally.wishes,
             line.tally.activities, line.tally.average_rating, len(line.tally.ratings),
             figures.hours(line.year_minutes), _("yes") if line.below_target else ""]
            for line in t.lines]
    return header, rows

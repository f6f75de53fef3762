"""The working-day calendar: the days that are not what their weekday says.

China's public holidays and their make-up working weekends (调休) are set each year by a
State Council notice, so an administrator enters them here as the notice comes out. They
count for the 15-working-day answer to a privacy request: a request made before Golden
Week is due after it. A change moves the due day of every open request with it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from marketplace import clock, db
from marketplace.audit import service as audit
from marketplace.errors import DomainError, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.privacy import workdays
from marketplace.privacy.tables import CalendarDay, PrivacyRequest

NAME_MAX = 40
RANGE_MAX = 15  # one entry: the longest holiday with its weekends is 9 days
# 15 working days fit in five calendar weeks even across the Spring Festival.
LOOKAHEAD = timedelta(days=70)

Row = dict[str, Any]


def _admin(actor: Principal) -> None:
    if not actor.is_admin:
        raise Forbidden(_("Only administrators keep the working-day calendar."))


async def exceptions(first: date, last: date) -> tuple[frozenset[date], frozenset[date]]:
    """The holidays and the make-up working days from ``first`` to ``last``."""
    rows = await CalendarDay.select(CalendarDay.day, CalendarDay.working).where(
        (CalendarDay.day >= first) & (CalendarDay.day <= last))
    return (frozenset(r["day"] for r in rows if not r["working"]),
            frozenset(r["day"] for r in rows if r["working"]))


async def due_days(asked: Collection[date]) -> dict[date, date]:
    """The day a privacy request made on each of these days must be answered by: the one
    place the 15 working days are counted, for a new request and for the open ones the
    calendar moves. The calendar is read once for them all."""
    if not asked:
        return {}
    holidays, extra = await exceptions(min(asked), max(asked) + LOOKAHEAD)
    return {day: workdays.add_working_days(day, workdays.PRIVACY_ANSWER_DAYS, holidays, extra)
            for day in asked}


async def due_on(asked: date) -> date:
    """The day a privacy request made on ``asked`` must be answered by."""
    return (await due_days({asked}))[asked]


async def days(actor: Principal, since: date) -> list[Row]:
    """The entered days from ``since`` on, in order, for the administrators' page."""
    _admin(actor)
    return await CalendarDay.select(
        CalendarDay.id, CalendarDay.day, CalendarDay.working, CalendarDay.name,
        CalendarDay.set_by.display_name.as_alias("set_by_name"), CalendarDay.set_at,
    ).where(CalendarDay.day >= since).order_by(CalendarDay.day)


def _checked(first: date | None, last: date | None, working: bool,
             name: str) -> tuple[list[date], str]:
    if first is None:
        raise DomainError(_("Please give the first day."), "first")
    last = last or first
    if last < first:
        raise DomainError(_("The last day cannot be before the first."), "last")
    if (last - first).days >= RANGE_MAX:
        raise DomainError(_("Please enter at most %(n)s days at a time.", n=RANGE_MAX), "last")
    span = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    weekday = next((d for d in span if workdays.is_working_day(d)), None)
    if working and weekday is not None:
        # Saying so beats saving a day that changes nothing.
        raise DomainError(_("%(day)s is a weekday, a working day anyway: make-up working days "
                            "are Saturdays and Sundays.", day=weekday.isoformat()),
                          "first" if weekday == first else "last")
    name = name.strip()
    if len(name) > NAME_MAX:
        raise DomainError(_("Please keep it to %(n)s characters.", n=NAME_MAX), "name")
    return span, name


@dataclass(frozen=True)
class Saved:
    days: int
    replaced: int  # entered before as something else (the other kind or another name)
    moved: int  # open privacy requests whose due day changed


async def set_days(actor: Principal, first: date | None, last: date | None, working: bool,
                   name: str) -> Saved:
    """Mark every day from ``first`` to ``last`` a holiday (or a make-up working day),
    replacing what was entered for them. One transaction: the days, the open requests'
    due days and the audit line."""
    _admin(actor)
    span, name = _checked(first, last, working, name)
    async with db.transaction():
        before = await CalendarDay.select(CalendarDay.working, CalendarDay.name).where(
            CalendarDay.day.is_in(span))
        replaced = sum(1 for r in before if (r["working"], r["name"]) != (working, name))
        await CalendarDay.delete().where(CalendarDay.day.is_in(span))
        await CalendarDay.insert(*[CalendarDay(day=d, working=working, name=name,
                                               set_by=actor.user_id) for d in span])
        moved = await _redate_open_requests()
        await audit.record(actor.user_id, None, "calendar_days_set", "calendar", 0,
                           f"{span[0].isoformat()}..{span[-1].isoformat()} "
                           f"{'working' if working else 'holiday'} {name}")
    return Saved(len(span), replaced, moved)


async def remove(actor: Principal, day_id: int, through: date | None = None) -> list[date]:
    """Take an entered day out, and with ``through`` the days after it up to that day
    entered alike (same kind and name: one holiday's run); they count as their weekdays
    say again. Returns the days taken out."""
    _admin(actor)
    async with db.transaction():
        found = await CalendarDay.select(
            CalendarDay.day, CalendarDay.working, CalendarDay.name).where(
            CalendarDay.id == day_id).first()
        if found is None:
            raise NotFound(_("That day is not in the calendar (any more)."))
        first = found["day"]
        last = through or first
        if last < first:
            raise DomainError(_("The last day cannot be before the first."), "last")
        alike = ((CalendarDay.day >= first) & (CalendarDay.day <= last)
                 & (CalendarDay.working == found["working"])
                 & (CalendarDay.name == found["name"]))
        days = [r["day"] for r in await CalendarDay.select(CalendarDay.day).where(alike)]
        await CalendarDay.delete().where(alike)
        await _redate_open_requests()
        await audit.record(actor.user_id, None, "calendar_day_removed", "calendar", day_id,
                           f"{first.isoformat()}..{max(days).isoformat()}")
    return sorted(days)


def runs(days: list[Row]) -> list[list[Row]]:
    """Entered days (in order) as runs: next to each other, of one kind and name, as a
    holiday week is entered; the page shows each run once."""
    grouped: list[list[Row]] = []
    for day in days:
        last = grouped[-1][-1] if grouped else None
        if (last is not None and day["day"] - last["day"] == timedelta(days=1)
                and (day["working"], day["name"]) == (last["working"], last["name"])):
            grouped[-1].append(day)
        else:
            grouped.append([day])
    return grouped


async def _redate_open_requests() -> int:
    """An open request's due day, counted again from the day it was made: the law counts
    the days as they fall, whenever the notice came out. Only the ones that move are
    written; returns how many."""
    open_rows = await PrivacyRequest.select(
        PrivacyRequest.id, PrivacyRequest.created_at, PrivacyRequest.due_on,
    ).where(PrivacyRequest.status == "open")
    if not open_rows:
        return 0
    asked = {row["id"]: clock.local_date(row["created_at"]) for row in open_rows}
    due_by_day = await due_days(set(asked.values()))
    moved = 0
    for row in open_rows:
        due = due_by_day[asked[row["id"]]]
        if due != row["due_on"]:
            await PrivacyRequest.update({PrivacyRequest.due_on: due}).where(
                PrivacyRequest.id == row["id"])
            moved += 1
    return moved

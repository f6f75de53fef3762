"""Local time: communities read dates and times in China Standard Time (UTC+8).

The one place that knows the zone, turns stored moments (UTC) into local days and text,
and parses the dates people type. Imports nothing of the project, so every layer may use it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

LOCAL = timezone(timedelta(hours=8))

# The dates a person may type or a URL may carry. Narrower than Python's (year 1 to 9999),
# so a day's start, its end or "a year before" never overflows, and every day fits a
# database timestamp on both engines.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)


def now() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes: they were stored as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def local(moment: datetime) -> datetime:
    return aware(moment).astimezone(LOCAL)


def local_date(moment: datetime) -> date:
    return local(moment).date()


def today() -> date:
    return local_date(now())


def local_time(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "" if moment is None else local(moment).strftime(fmt)


def day_start(day: date) -> datetime:
    """Local midnight at the start of ``day``, as an aware datetime."""
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL)


def day_end(day: date) -> datetime:
    """Local midnight at the end of ``day`` (exclusive bound of the whole day)."""
    return day_start(day) + timedelta(days=1)


class BadDate(ValueError):
    """Not a calendar date between FIRST_DAY and LAST_DAY."""


def parse_day(raw: str | None) -> date | None:
    """A typed ``YYYY-MM-DD`` → the date; blank → None; anything else raises BadDate.

    Only the first ten characters are read, so ``2026-11-30T08:00`` is that day."""
    text = (raw or "").strip()[:10]
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise BadDate(text) from exc
    if not FIRST_DAY <= day <= LAST_DAY:
        raise BadDate(text)
    return day


def day_bounds(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """[start of ``first``, end of ``last``) in local days; None leaves that side open."""
    return (day_start(first) if first else None, day_end(last) if last else None)

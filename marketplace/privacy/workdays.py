"""Working days for the 15-working-day answer to a privacy request (PIPL Art. 50;
Network Data Security Management Regulations Art. 20).

Pure functions: Saturdays and Sundays are not working days. China's public holidays and
their make-up working weekends (调休) change every year by State Council notice; callers
pass them as ``holidays`` / ``extra_workdays`` sets (``calendar`` keeps them).
"""

from __future__ import annotations

from collections.abc import Set
from datetime import date, timedelta

SATURDAY = 5
PRIVACY_ANSWER_DAYS = 15


def is_working_day(day: date, holidays: Set[date] = frozenset(),
                   extra_workdays: Set[date] = frozenset()) -> bool:
    if day in extra_workdays:
        return True
    return day.weekday() < SATURDAY and day not in holidays


def add_working_days(start: date, count: int, holidays: Set[date] = frozenset(),
                     extra_workdays: Set[date] = frozenset()) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself never counts: a
    request made on Friday evening or on Sunday has its first working day on Monday).
    ``count`` 0 is ``start``."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    left = count
    while left:
        day += timedelta(days=1)
        if is_working_day(day, holidays, extra_workdays):
            left -= 1
    return day

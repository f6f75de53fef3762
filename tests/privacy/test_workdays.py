"""Working days for the answer to a privacy request: weekends skipped, the asking day not
counted. Checked exhaustively over every weekday start and every small count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketplace.privacy.workdays import PRIVACY_ANSWER_DAYS, add_working_days, is_working_day

MONDAY = date(2026, 11, 30)


def _naive(start: date, count: int) -> date:
    """The definition, spelt out: walk day by day, counting Monday–Friday only."""
    day, seen = start, 0
    while seen < count:
        day += timedelta(days=1)
        seen += day.isoweekday() <= 5
    return day


@pytest.mark.parametrize("offset", range(35))  # five weeks: every weekday, a month's end
def test_every_start_and_count_matches_the_definition(offset: int) -> None:
    start = MONDAY + timedelta(days=offset)
    for count in range(0, 41):
        due = add_working_days(start, count)
        assert due == _naive(start, count)
        if count:
            assert is_working_day(due)
            between = [start + timedelta(days=n) for n in range(1, (due - start).days + 1)]
            assert sum(is_working_day(d) for d in between) == count


def test_named_cases() -> None:
    friday, saturday, sunday = date(2026, 12, 4), date(2026, 12, 5), date(2026, 12, 6)
    assert add_working_days(MONDAY, 15) == date(2026, 12, 21)  # three weeks later, Monday
    assert add_working_days(friday, 1) == date(2026, 12, 7)  # the weekend is skipped
    assert add_working_days(saturday, 1) == add_working_days(sunday, 1) == date(2026, 12, 7)
    assert add_working_days(sunday, 15) == date(2026, 12, 25)  # a Friday
    assert add_working_days(saturday, 0) == saturday
    assert add_working_days(MONDAY, PRIVACY_ANSWER_DAYS) == date(2026, 12, 21)
    assert [is_working_day(MONDAY + timedelta(days=n)) for n in range(7)] == [
        True, True, True, True, True, False, False]


def test_holidays_and_make_up_working_days_can_be_given() -> None:
    tuesday = MONDAY + timedelta(days=1)
    assert add_working_days(MONDAY, 1, holidays={tuesday}) == tuesday + timedelta(days=1)
    saturday = date(2026, 12, 5)
    assert add_working_days(date(2026, 12, 4), 1, extra_workdays={saturday}) == saturday


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(MONDAY, -1)

"""The report back (双报告), pure part: card periods, the figures a card prints, grades.

A quarterly service card covers a calendar quarter, a yearly evaluation sheet a calendar
year, both in local (China) days. The figures are a ``HelperTally`` from ``records`` —
the same counting as the service record, the honour roll and the certificate — put in a
form that can be stored as issued (JSON) and read back unchanged.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from marketplace import clock
from marketplace.i18n import N_
from marketplace.reports import figures
from marketplace.reports.figures import HelperTally

QUARTER = "quarter"
YEAR = "year"
_LABEL = re.compile(r"(20[0-9]{2})(?:-Q([1-4]))?")

# Yearly evaluation grades (考核等次), best first; staff choose one per sheet.
GRADES = {"excellent": N_("Excellent"), "good": N_("Satisfactory"),
          "fair": N_("Basically satisfactory"), "poor": N_("Unsatisfactory")}
# Cards a community keeps track of: the current and the last quarter and year.
STATES = ("due", "drafted", "sent")


@dataclass(frozen=True)
class CardPeriod:
    year: int
    quarter: int | None = None  # None: the whole year

    @property
    def kind(self) -> str:
        return YEAR if self.quarter is None else QUARTER

    @property
    def label(self) -> str:
        return str(self.year) if self.quarter is None else f"{self.year}-Q{self.quarter}"

    @property
    def first(self) -> date:
        return date(self.year, 1 if self.quarter is None else 3 * self.quarter - 2, 1)

    @property
    def last(self) -> date:
        if self.quarter is None:
            return date(self.year, 12, 31)
        return figures.add_months(self.first, 3) - timedelta(days=1)

    def previous(self) -> CardPeriod:
        if self.quarter is None:
            return CardPeriod(self.year - 1)
        if self.quarter == 1:
            return CardPeriod(self.year - 1, 4)
        return CardPeriod(self.year, self.quarter - 1)


def quarter_of(day: date) -> CardPeriod:
    return CardPeriod(day.year, (day.month - 1) // 3 + 1)


def parse(raw: str | None) -> CardPeriod | None:
    """"2026-Q3" or "2026" (years the platform's dates allow); anything else: None."""
    match = _LABEL.fullmatch((raw or "").strip())
    if match is None:
        return None
    year = int(match.group(1))
    if not clock.FIRST_DAY.year < year <= clock.LAST_DAY.year:  # a year before it must exist
        return None
    return CardPeriod(year, int(match.group(2)) if match.group(2) else None)


def tracked(today: date) -> list[CardPeriod]:
    """The periods the overview lists: this and last quarter, this and last year."""
    quarter, year = quarter_of(today), CardPeriod(today.year)
    return [quarter, quarter.previous(), year, year.previous()]


@dataclass(frozen=True)
class CardFigures:
    """What a card prints; stored as issued when it is sent."""

    wishes: int = 0
    minutes_resident: int = 0
    minutes_staff: int = 0
    minutes_automatic: int = 0
    activities: int = 0
    activity_points: int = 0
    ratings: int = 0  # how many residents rated
    rating: float | None = None  # their average

    @property
    def total_minutes(self) -> int:
        return self.minutes_resident + self.minutes_staff + self.minutes_automatic

    def hours(self) -> dict[str, str]:
        """By residents, by staff, automatically, in all: one decimal, as reported."""
        return {"resident": figures.hours(self.minutes_resident),
                "staff": figures.hours(self.minutes_staff),
                "automatic": figures.hours(self.minutes_automatic),
                "total": figures.hours(self.total_minutes)}

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


def from_tally(tally: HelperTally | None) -> CardFigures:
    if tally is None:
        return CardFigures()
    return CardFigures(
        wishes=tally.wishes, minutes_resident=tally.minutes["resident"],
        minutes_staff=tally.minutes["staff"], minutes_automatic=tally.minutes["automatic"],
        activities=tally.activities, activity_points=tally.activity_points,
        ratings=len(tally.ratings), rating=tally.average_rating)


def from_json(text: str) -> CardFigures:
    """Figures as stored; keys this version does not know are ignored."""
    data = json.loads(text or "{}")
    known = {k: v for k, v in data.items() if k in CardFigures.__dataclass_fields__}
    return CardFigures(**known)

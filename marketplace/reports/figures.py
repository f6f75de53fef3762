"""Pure computations behind the reports: no database or web code, so tests are direct.

Durations come from a wish's history (its WishEvent rows); periods are local (China)
calendar days (see ``marketplace.clock``), weeks starting on Monday, and months.
"""

from __future__ import annotations

import bisect
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from marketplace import clock

STAGES = ("review", "claim", "fulfil", "confirm")
# Which confirmation puts a wish's hours in which column of the service record.
CONFIRMED_BY = {"confirm": "resident", "resolve_confirm": "staff", "auto_confirm": "automatic"}


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least p% of values at or below."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


class Event(NamedTuple):
    """One row of a wish's history (a tuple: a year's dashboard makes thousands)."""

    at: datetime
    action: str
    from_state: str
    to_state: str


def stage_seconds(events: Iterable[Event]) -> dict[str, float]:
    """How long one wish spent in each stage of the closed loop, in seconds.

    review: posted → first decision; claim: first open → first claim (or assignment);
    fulfil: the claim that led to fulfilment → fulfilment; confirm: fulfilment → confirmed
    (a dispute in between counts, the resident waited all that time). A stage the wish has
    not finished yet is absent.

    The definition: pages read the same figures from ``reports.stages`` (reduced by the
    database), which tests/reports/test_stage_clock.py holds to this on varied histories.
    """
    out: dict[str, float] = {}
    posted = opened = claimed = fulfilled = None
    for e in events:
        if e.action == "post" and posted is None:
            posted = e.at
        elif e.from_state == "pending" and posted is not None and "review" not in out:
            out["review"] = (e.at - posted).total_seconds()
        if e.to_state == "open" and opened is None:
            opened = e.at
        if e.to_state == "claimed":
            if "claim" not in out and opened is not None:
                out["claim"] = (e.at - opened).total_seconds()
            claimed = e.at
        if e.to_state == "fulfilled":
            if "fulfil" not in out and claimed is not None:
                out["fulfil"] = (e.at - claimed).total_seconds()
            fulfilled = e.at
        if e.to_state == "confirmed" and "confirm" not in out and fulfilled is not None:
            out["confirm"] = (e.at - fulfilled).total_seconds()
    return out


@dataclass(frozen=True)
class StageSummary:
    stage: str
    count: int
    median: float | None
    p90: float | None


def summarise_stages(per_wish: Iterable[dict[str, float]]) -> list[StageSummary]:
    samples: dict[str, list[float]] = {s: [] for s in STAGES}
    for stages in per_wish:
        for stage, seconds in stages.items():
            samples[stage].append(seconds)
    return [StageSummary(s, len(samples[s]), median(samples[s]), percentile(samples[s], 90))
            for s in STAGES]


# --- periods --------------------------------------------------------------------------


def month_start(d: date) -> date:
    return d.replace(day=1)


def add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def month_buckets(last: date, count: int) -> list[date]:
    """The first days of ``count`` months ending with the month of ``last``."""
    first = add_months(month_start(last), -(count - 1))
    return [add_months(first, i) for i in range(count)]


def week_buckets(last: date, count: int) -> list[date]:
    first = week_start(last) - timedelta(weeks=count - 1)
    return [first + timedelta(weeks=i) for i in range(count)]


def bucket_counts(moments: Iterable[tuple[datetime, int]], starts: list[date],
                  monthly: bool) -> list[int]:
    """Sum the weights of moments into the buckets starting at ``starts`` (local days).

    Each moment is placed by comparing it with the buckets' edges (local midnights as
    aware datetimes), not by turning every moment into a local date: a dashboard buckets
    thousands of rows."""
    if not starts:
        return []
    after = add_months(starts[-1], 1) if monthly else starts[-1] + timedelta(weeks=1)
    # In UTC, like the moments read back: aware datetimes with the same tzinfo compare
    # without asking each for its offset (four times faster here).
    edges = [clock.day_start(s).astimezone(UTC) for s in [*starts, after]]
    totals = [0] * len(starts)
    for moment, weight in moments:
        i = bisect.bisect_right(edges, clock.aware(moment)) - 1
        if 0 <= i < len(starts):
            totals[i] += weight
    return totals


# --- people ---------------------------------------------------------------------------


@dataclass
class HelperTally:
    """One helper's confirmed service in a period (honour roll, record, work-unit export)."""

    user_id: int
    name: str = ""
    wishes: int = 0
    minutes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        CONFIRMED_BY.values(), 0))
    ratings: list[int] = field(default_factory=list)
    activities: int = 0
    activity_points: int = 0
    wish_points: int = 0

    @property
    def total_minutes(self) -> int:
        return sum(self.minutes.values())

    @property
    def average_rating(self) -> float | None:
        return round(sum(self.ratings) / len(self.ratings), 1) if self.ratings else None


@dataclass(frozen=True)
class RollEntry:
    """One line of the honour roll: a helper's confirmed wishes and minutes in a period."""

    user_id: int
    name: str
    wishes: int
    total_minutes: int


def rank(entries: Iterable[RollEntry], limit: int = 10) -> list[RollEntry]:
    """Honour roll order: confirmed wishes, then hours, then name; only those who served."""
    served = [t for t in entries if t.wishes > 0]
    served.sort(key=lambda t: (-t.wishes, -t.total_minutes, t.name))
    return served[:limit]


def hours(minutes: int | None) -> str:
    """Minutes as hours with one decimal, the way service hours are reported."""
    return f"{(minutes or 0) / 60:.1f}"

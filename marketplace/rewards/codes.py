"""One-time codes and limit periods: pure functions, no database or web code.

A code is 8 symbols from a 31-symbol alphabet without look-alikes (no 0/O, 1/I/L):
31**8 ≈ 8.5e11 ≈ 2**39.6. With at most MAX_FAILURES wrong tries per cashier per window,
guessing one of the few codes alive at a merchant is hopeless.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from marketplace import clock

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8
# The longest code a cashier may type (with spaces or dashes), for the page and the API.
TYPED_MAX = 20
PERIODS = ("day", "week", "month")

assert len(ALPHABET) == 31 and len(set(ALPHABET)) == 31


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(raw: str) -> str | None:
    """What the cashier typed → the stored code, or None when it cannot be a code.

    Spaces, dashes and lower case are forgiven; the typed form is shown as ABCD-EFGH."""
    cleaned = "".join(ch for ch in raw.upper() if ch not in " -\t")
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def display(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def period_key(period: str, moment: datetime) -> str:
    """The calendar period (local time) a moment falls in: 2026-03-07, 2026-W10, 2026-03."""
    local = clock.local(moment)
    if period == "day":
        return local.strftime("%Y-%m-%d")
    if period == "week":
        year, week, _day = local.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return local.strftime("%Y-%m")
    raise ValueError(f"unknown period {period!r}")


def fen_for(points: int, points_per_yuan: int) -> int:
    """Yuan owed for points at the agreed rate, in fen, rounded half up."""
    return (points * 100 * 2 + points_per_yuan) // (2 * points_per_yuan)


def offer_open(active: bool, valid_from: date | None, valid_to: date | None,
               today: date) -> bool:
    if not active:
        return False
    if valid_from is not None and today < valid_from:
        return False
    return valid_to is None or today <= valid_to

"""Retention (PIPL Art. 19): photos and fulfilment notes of closed wishes, and sign-in
sessions, are kept only as long as the community's rules say (``/staff/rules``; 0 keeps).

Timer jobs (``timers.py``), safe to run twice and from several processes: each step picks
only what is still there and past its time, so a second run finds nothing. With nothing
due, a job is one query for the communities and one per distinct retention length.
Photo files (and their small copies) are deleted after the database no longer names them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from marketplace.accounts import sessions
from marketplace.community.tables import Community
from marketplace.mydata import wording
from marketplace.wishes import timers as wish_timers
from marketplace.wishes import uploads


async def _by_days(rule: str) -> dict[int, list[int]]:
    """Communities that limit ``rule``, by its number of days."""
    column = Community._meta.get_column_by_name(rule)
    found: dict[int, list[int]] = {}
    for row in await Community.select(Community.id, column).where(column > 0):
        found.setdefault(int(row[rule]), []).append(int(row["id"]))
    return found


async def forget_photos(moment: datetime) -> int:
    """Photos of wishes closed longer ago than ``retention_photo_days``: files deleted."""
    names: list[str] = []
    for days, ids in (await _by_days("retention_photo_days")).items():
        names += await wish_timers.forget_photos(ids, moment - timedelta(days=days))
    for name in names:
        uploads.remove(name)
    return len(names)


async def forget_notes(moment: datetime) -> int:
    """Fulfilment notes of wishes closed longer ago than ``retention_note_days``."""
    done = 0
    for days, ids in (await _by_days("retention_note_days")).items():
        done += await wish_timers.forget_notes(ids, moment - timedelta(days=days),
                                               wording.removed())
    return done


async def forget_sessions(moment: datetime) -> int:
    """Sessions started longer ago than ``retention_session_days``."""
    done = 0
    for days, ids in (await _by_days("retention_session_days")).items():
        done += await sessions.forget_sessions(ids, moment - timedelta(days=days))
    return done


JOBS = [
    ("retention_photos", forget_photos),
    ("retention_notes", forget_notes),
    ("retention_sessions", forget_sessions),
]

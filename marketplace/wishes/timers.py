"""Wish timers: claim deadlines, automatic confirmation, escalation, expiry.

Safe to run twice or from several processes at once: each wish moves through ``_move``,
whose conditional update lets exactly one runner change it; the others see a Conflict and
skip that wish.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from marketplace import clock, db
from marketplace.community.rules import BY_NAME
from marketplace.community.tables import Community
from marketplace.errors import AppError
from marketplace.wishes import core, notify, service
from marketplace.wishes.rules import TERMINAL, Action
from marketplace.wishes.tables import Wish, WishEvent

REMINDER_HOURS_MAX = BY_NAME["claim_reminder_hours"].maximum


async def _rules() -> dict[int, dict[str, int]]:
    rows = await Community.select(Community.id, Community.auto_confirm_days,
                                  Community.escalation_days, Community.claim_reminder_hours)
    return {r["id"]: r for r in rows}


async def lapse_claims(moment: datetime) -> int:
    due = await Wish.select(Wish.id).where(
        (Wish.status == "claimed") & (Wish.claim_deadline < moment))
    done = 0
    for row in due:
        try:
            await service.release(None, row["id"], lapsed=True)
            done += 1
        except AppError:
            continue  # another runner got there first
    return done


async def auto_confirm(moment: datetime) -> int:
    rules = await _rules()
    due = await Wish.select(Wish.id, Wish.community, Wish.updated_at).where(
        Wish.status == "fulfilled")
    done = 0
    for row in due:
        days = rules[row["community"]]["auto_confirm_days"]
        if row["updated_at"] + timedelta(days=days) > moment:
            continue
        try:
            await service.confirm(None, row["id"], auto=True)
            done += 1
        except AppError:
            continue
    return done


async def escalate(moment: datetime) -> int:
    """Open wishes nobody claimed in time go to the staff's escalation queue (once); the
    resident and the community's staff are told in the same transaction."""
    rules = await _rules()
    due = await Wish.select(Wish.id, Wish.community, Wish.updated_at).where(
        (Wish.status == "open") & Wish.escalated_at.is_null())
    done = 0
    for row in due:
        days = rules[row["community"]]["escalation_days"]
        if row["updated_at"] + timedelta(days=days) > moment:
            continue
        async with db.transaction():
            changed = await Wish.update({Wish.escalated_at: moment}).where(
                (Wish.id == row["id"]) & Wish.escalated_at.is_null() & (Wish.status == "open")
            ).returning(Wish.id, Wish.title, Wish.owner, Wish.community)
            for wish in changed:
                await notify.tell([wish["owner"]], "wish_escalated", wish)
                await notify.tell_staff(wish, "wish_escalated_staff")
        done += len(changed)
    return done


async def remind_due_claims(moment: datetime) -> int:
    """Tell claimers their claim is due within the community's reminder lead time (24 hours
    unless staff set it): once per claim (dedupe key), however often and from however many
    processes this runs."""
    rules = await _rules()
    due = await Wish.select(Wish.id, Wish.title, Wish.community, Wish.claim_deadline).where(
        (Wish.status == "claimed") & (Wish.claim_deadline >= moment)
        & (Wish.claim_deadline < moment + timedelta(hours=REMINDER_HOURS_MAX)))
    sent = 0
    for wish in due:
        hours = rules[wish["community"]]["claim_reminder_hours"]
        if wish["claim_deadline"] >= moment + timedelta(hours=hours):
            continue
        # The usual lead time keeps its message (and the notifications already sent).
        kind = "claim_due_soon" if hours == 24 else "claim_due_in"
        async with db.transaction():
            for claim in await core.claims(wish["id"]):
                await notify.tell([claim["helper"]], kind, wish, hours=hours,
                                  dedupe_key=f"claim_due:{claim['id']}")
                sent += 1
    return sent


async def expire(moment: datetime) -> int:
    """Open wishes whose wished-by date (a local day) has passed without a claim."""
    due = await Wish.select(Wish.id).where(
        (Wish.status == "open") & Wish.wished_by.is_not_null()
        & (Wish.wished_by < clock.local_date(moment)))
    done = 0
    for row in due:
        try:
            await service.system_move(row["id"], Action.EXPIRE)
            done += 1
        except AppError:
            continue
    return done


JOBS = [
    ("wish_claim_deadlines", lapse_claims),
    ("wish_claim_reminders", remind_due_claims),
    ("wish_auto_confirm", auto_confirm),
    ("wish_escalation", escalate),
    ("wish_expiry", expire),
]


# --- retention (mydata.retention): what closed wishes keep, and for how long ----------

CLOSED = [state.value for state in TERMINAL]


def _closed_before(community_ids: list[int], closed_before: datetime) -> Any:
    return (Wish.community.is_in(community_ids) & Wish.status.is_in(CLOSED)
            & (Wish.updated_at < closed_before))


async def forget_photos(community_ids: list[int], closed_before: datetime) -> list[str]:
    """Photos of wishes of these communities closed before the moment: taken off the
    wishes; returns the file names to delete (after the transaction). Read first, without
    the write lock: with nothing due this is one query, and a second run finds nothing."""
    due = await Wish.select(Wish.id, Wish.photo, Wish.fulfil_photo).where(
        _closed_before(community_ids, closed_before)
        & ((Wish.photo != "") | (Wish.fulfil_photo != "")))
    if due:
        await Wish.update({Wish.photo: "", Wish.fulfil_photo: ""}).where(
            Wish.id.is_in([int(r["id"]) for r in due]))
    return [r[c] for r in due for c in ("photo", "fulfil_photo") if r[c]]


async def forget_notes(community_ids: list[int], closed_before: datetime,
                       removed: str) -> int:
    """Fulfilment notes (the wish's and its timeline's) of wishes closed before the
    moment, replaced by ``removed``; returns how many wishes. One query when none is due:
    an erased note is not picked again."""
    due = await Wish.select(Wish.id).where(
        _closed_before(community_ids, closed_before) & (Wish.fulfil_note != "")
        & (Wish.fulfil_note != removed))
    ids = [int(r["id"]) for r in due]
    if ids:
        async with db.transaction():
            await Wish.update({Wish.fulfil_note: removed}).where(Wish.id.is_in(ids))
            await WishEvent.update({WishEvent.note: removed}).where(
                WishEvent.wish.is_in(ids) & (WishEvent.action == Action.FULFIL)
                & (WishEvent.note != ""))
    return len(ids)

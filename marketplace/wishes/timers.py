"""Wish timers: claim deadlines, automatic confirmation, escalation, expiry.

Safe to run twice or from several processes at once: each wish moves through ``_move``,
whose conditional update lets exactly one runner change it; the others see a Conflict and
skip that wish.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from marketplace import clock, db
from marketplace.community.rules import BY_NAME
from marketplace.community.tables import Community
from marketplace.errors import AppError
from marketplace.wishes import core, notify, service
from marketplace.wishes.rules import Action
from marketplace.wishes.tables import Wish

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

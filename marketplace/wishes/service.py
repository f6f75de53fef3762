"""Micro-wishes: categories, post, review, fulfil, confirm, dispute, resolve, cancel.

Posting lives in ``posting``, claims (claim, join, assign, decline, release) in ``claims``
and what one may read of a wish (its page, notice and photos) in ``detail``; all are
re-exported here, so callers use one module. Every function takes the acting Principal
and checks per wish itself. Every change goes through ``core.move`` inside a transaction
that also records the history and sends the notifications; confirmation pays the helpers
through the ledger in that same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marketplace import db, redact
from marketplace.accounts import closing
from marketplace.audit import service as audit
from marketplace.errors import DomainError, Forbidden
from marketplace.i18n import _
from marketplace.ledger import service as ledger
from marketplace.principal import Principal
from marketplace.wishes import core, notify, queries
from marketplace.wishes.categories import add_category, categories, check_points, toggle_category
from marketplace.wishes.claims import assign, claim, decline, release
from marketplace.wishes.core import (
    active_claimers,
    at_street,
    can_see,
    history,
    roles_for,
    visible,
)
from marketplace.wishes.detail import WishDetail, detail, notice, photo
from marketplace.wishes.posting import (
    NewWish,
    owner_by_login,
    post_wish,
    repost_values,
    text_problems,
)
from marketplace.wishes.rules import (
    COMMENT_MAX,
    NOTE_MAX,
    REASON_MAX,
    Action,
    State,
    check_minutes,
)
from marketplace.wishes.tables import Wish, WishEvent

__all__ = ["NewWish", "WishDetail", "active_claimers", "add_category", "assign", "at_street",
           "can_see", "categories", "claim", "decline", "detail", "history", "notice",
           "owner_by_login", "photo", "post_wish", "release", "repost_values", "roles_for",
           "text_problems", "toggle_category", "visible"]


# --- transitions ----------------------------------------------------------------------


async def review(actor: Principal, wish_id: int, approve: bool, points: int | None = None,
                 reason: str = "", team_size: int | None = None) -> dict[str, Any]:
    """Staff approve (points and team size within the community's limits) or reject;
    returns the wish as it is now."""
    wish, _roles = await core.visible(actor, wish_id)
    if not actor.can_staff(wish["community"]):
        raise Forbidden(_("Only staff of this community review its wishes."))
    if approve:
        community = await core.community_of(wish)
        value = wish["points"] if points is None else points
        check_points(community, value)
        size = wish["team_size"] if team_size is None else team_size
        if not 1 <= size <= community["team_size_max"]:
            raise DomainError(_("A team may have 1 to %(n)s helpers in this community.",
                                n=community["team_size_max"]), "team_size")
        async with db.transaction():
            wish = await core.move(wish_id, Action.APPROVE, actor, "",
                                   {Wish.points: value, Wish.team_size: size})
            await notify.tell([wish["owner"]], "wish_approved", wish)
        return wish
    reason = reason.strip()[:REASON_MAX]
    if not reason:
        raise DomainError(_("Please tell the resident why the wish is not accepted."), "reason")
    async with db.transaction():
        wish = await core.move(wish_id, Action.REJECT, actor, reason,
                               {Wish.reject_reason: reason})
        await notify.tell([wish["owner"]], "wish_rejected", wish, reason=reason)
        await audit.record(actor.user_id, wish["community"], "wish_rejected", "wish", wish_id,
                           reason)
    return wish


async def fulfil(actor: Principal, wish_id: int, note: str, minutes: int,
                 photo: str = "") -> None:
    note = note.strip()[:NOTE_MAX]
    if not note:
        raise DomainError(_("Please say briefly what was done."), "note")
    check_minutes(minutes)
    async with db.transaction():
        seen = await core.view(actor, wish_id)
        wish = await core.move(wish_id, Action.FULFIL, actor, note, {
            Wish.fulfil_note: note, Wish.hours: minutes, Wish.fulfil_photo: photo,
            Wish.claim_deadline: None}, seen)
        await notify.tell([wish["owner"]], "wish_fulfilled", wish, helper=actor.display_name)
        await notify.tell_agents(wish, "wish_fulfilled_for", seen.facts,
                                 helper=actor.display_name)


def split_points(points: int, helpers: int) -> list[int]:
    """Even split of a team's points; the remainder goes to whoever joined first."""
    share, remainder = divmod(points, helpers)
    return [share + remainder] + [share] * (helpers - 1)


async def _pay(wish: dict[str, Any], actor_id: int | None,
               seen: queries.WishFacts | None = None) -> None:
    """Each helper's share through the ledger, and each is told what they earned.
    ``seen``: the wish's facts when read in this transaction already (its claimers, and
    which of their accounts are closed)."""
    if seen is None:
        helpers = await core.active_claimers(wish["id"])
        closed = await closing.closed_among(helpers)
    else:
        helpers = [int(c["helper"]) for c in seen.claims]
        closed = seen.closed_claimers
    # Those whose account is closed were told when closing: their share is not paid.
    for helper_id, amount in zip(helpers, split_points(wish["points"], len(helpers)),
                                 strict=True):
        if helper_id in closed:
            continue
        if amount > 0:
            await ledger.award(wish["community"], helper_id, amount, "award",
                               f"wish:{wish['id']}", actor_id, wish["title"][:200],
                               key=f"wish:{wish['id']}:{helper_id}")
        await notify.tell([helper_id], "wish_confirmed", wish, points=amount)


async def confirm(actor: Principal | None, wish_id: int, rating: int | None = None,
                  comment: str = "", auto: bool = False) -> None:
    if rating is not None and not 1 <= rating <= 5:
        raise DomainError(_("Please rate from 1 to 5 stars."), "rating")
    comment = comment.strip()[:COMMENT_MAX]
    async with db.transaction():
        action = Action.AUTO_CONFIRM if auto else Action.CONFIRM
        note = _("Confirmed automatically: no answer in time.") if auto else comment
        seen = await core.view(actor, wish_id) if actor is not None else None
        wish = await core.move(wish_id, action, actor, note, {
            Wish.rating: rating, Wish.rating_comment: comment}, seen)
        await _pay(wish, actor.user_id if actor else None, seen.facts if seen else None)
        if auto:
            days = (await core.community_of(wish))["auto_confirm_days"]
            await notify.tell([wish["owner"]], "wish_auto_confirmed", wish, days=days)


async def dispute(actor: Principal, wish_id: int, reason: str) -> None:
    reason = reason.strip()[:REASON_MAX]
    if not reason:
        raise DomainError(_("Please say what is not right, so staff can help."), "reason")
    async with db.transaction():
        wish = await core.move(wish_id, Action.DISPUTE, actor, reason,
                               {Wish.dispute_reason: reason})
        await notify.tell_staff(wish, "wish_disputed", reason=reason)


async def resolve(actor: Principal, wish_id: int, confirm_it: bool, note: str) -> None:
    """Staff settle a dispute; the resident and the helper(s) are told what and why."""
    note = note.strip()[:NOTE_MAX]
    if not note:
        raise DomainError(_("Please say what you decided and why: the resident and the "
                            "helper will read it."), "note")
    async with db.transaction():
        helpers = await core.active_claimers(wish_id)
        if confirm_it:
            wish = await core.move(wish_id, Action.RESOLVE_CONFIRM, actor, note)
            await _pay(wish, actor.user_id)
        else:
            wish = await core.move(wish_id, Action.RESOLVE_REOPEN, actor, note)
            await core.end_claims(wish_id)
        kind = "dispute_resolved_paid" if confirm_it else "dispute_resolved_reopened"
        await notify.tell([wish["owner"], *helpers], kind, wish, note=note)
        outcome = "confirmed" if confirm_it else "reopened"
        await audit.record(actor.user_id, wish["community"], "dispute_resolved", "wish",
                           wish_id, f"{outcome}: {note}".strip())


async def cancel(actor: Principal, wish_id: int, note: str = "") -> None:
    async with db.transaction():
        helpers = await core.active_claimers(wish_id)
        wish = await core.move(wish_id, Action.CANCEL, actor, note, {Wish.claim_deadline: None})
        await core.end_claims(wish_id)
        await notify.tell(helpers, "wish_cancelled", wish)


async def system_move(wish_id: int, action: Action, note: str = "") -> None:
    """A timer's transition (expiry): no person acts, the event records 'automatic'."""
    async with db.transaction():
        wish = await core.move(wish_id, action, None, note)
        if action == Action.EXPIRE:
            await notify.tell([wish["owner"]], "wish_expired", wish)


# --- staff queues ---------------------------------------------------------------------


@dataclass(frozen=True)
class StaffQueues:
    community_id: int
    pending: list[dict[str, Any]]  # waiting for review: one page, oldest first
    pending_total: int
    pending_after: int | None  # the cursor of the next page; None on the last
    disputed: list[dict[str, Any]]
    escalated: list[dict[str, Any]]  # open, and nobody claimed in time
    categories: list[dict[str, Any]]  # hidden ones too


# The review queue shows this many wishes at a time (each with its review form), oldest
# first, and a link to the next ones.
QUEUE_PAGE = 20


async def staff_queues(actor: Principal, community_id: int | None = None,
                       after: int | None = None) -> StaffQueues:
    """One community's queues for its staff: the asked one, else the first they serve;
    the review queue from the wish after ``after``."""
    cid = community_id or (min(actor.staff_community_ids) if actor.staff_community_ids
                           else actor.community_id)
    if not actor.can_staff(cid):
        raise Forbidden(_("This page is for staff of that community."))
    pending = await queries.staff_queue(cid, State.PENDING, after, QUEUE_PAGE)
    return StaffQueues(
        community_id=cid,
        pending=pending[:QUEUE_PAGE],
        pending_total=await queries.queue_length(cid, State.PENDING),
        pending_after=pending[QUEUE_PAGE - 1]["id"] if len(pending) > QUEUE_PAGE else None,
        disputed=(await queries.staff_queue(cid, State.DISPUTED))[:200],
        escalated=await queries.escalated(cid),
        categories=await categories(cid, active_only=False),
    )


async def pending_count(actor: Principal, community_id: int) -> int:
    """How many wishes wait for review: the queue's heading, kept right after a decision."""
    if not actor.can_staff(community_id):
        raise Forbidden(_("This page is for staff of that community."))
    return await queries.queue_length(community_id, State.PENDING)


# --- closing an account (mydata.closure) ----------------------------------------------


async def leave_all(person: Principal) -> int:
    """The person's open claims given back as a release would (a team keeps the wish),
    and their own wishes that still wait for someone withdrawn (cancelled): for closing
    the account, inside its transaction. Fulfilled and disputed wishes are left to run
    their course (the helper is still confirmed and paid). Returns how many moved."""
    moved = 0
    for wish in await queries.claimed_by(person.user_id):
        if wish["status"] == State.CLAIMED:
            await release(person, int(wish["id"]))
            moved += 1
    waiting = await Wish.select(Wish.id).where(
        (Wish.owner == person.user_id)
        & Wish.status.is_in([State.PENDING, State.OPEN, State.CLAIMED]))
    for row in waiting:
        await cancel(person, int(row["id"]))
        moved += 1
    return moved


async def erase_author_text(user_id: int, removed: str) -> list[str]:
    """What the person wrote or uploaded on wishes, and what others wrote on the person's
    own wishes (it describes the person's home and needs), replaced by ``removed``;
    returns the photo files to delete once the transaction has committed. The rows and
    their states stay: the reports count them."""
    owned = await Wish.select(Wish.id, Wish.photo, Wish.fulfil_photo).where(
        Wish.owner == user_id)
    owned_ids = [int(r["id"]) for r in owned]
    photos = [r[c] for r in owned for c in ("photo", "fulfil_photo") if r[c]]
    if owned_ids:
        await Wish.update({
            Wish.title: removed, Wish.description: "", Wish.photo: "",
            Wish.reject_reason: "", Wish.fulfil_photo: "", Wish.rating_comment: "",
            Wish.dispute_reason: "",
        }).where(Wish.id.is_in(owned_ids))
        await Wish.update({Wish.fulfil_note: removed}).where(
            Wish.id.is_in(owned_ids) & (Wish.fulfil_note != ""))
        await WishEvent.update({WishEvent.note: removed}).where(
            WishEvent.wish.is_in(owned_ids) & (WishEvent.note != ""))
    reported = await WishEvent.select(WishEvent.wish).where(
        (WishEvent.actor == user_id) & (WishEvent.action == Action.FULFIL))
    done_ids = list({int(r["wish"]) for r in reported} - set(owned_ids))
    if done_ids:
        rows = await Wish.select(Wish.fulfil_photo).where(Wish.id.is_in(done_ids))
        photos += [r["fulfil_photo"] for r in rows if r["fulfil_photo"]]
        await Wish.update({Wish.fulfil_note: removed, Wish.fulfil_photo: ""}).where(
            Wish.id.is_in(done_ids))
    await WishEvent.update({WishEvent.note: removed}).where(
        (WishEvent.actor == user_id) & (WishEvent.note != ""))
    return photos


WISH_TEXTS = (Wish.title, Wish.description, Wish.reject_reason, Wish.fulfil_note,
              Wish.rating_comment, Wish.dispute_reason)


async def scrub_texts(community_id: int, replacements: dict[str, str]) -> int:
    """Closing an account: what others wrote on the community's wishes that names the
    person (their name, phone, flat) has those words replaced. Returns the rows changed."""
    changed = 0
    for table, column, where in (
            *((Wish, c, Wish.community == community_id) for c in WISH_TEXTS),
            (WishEvent, WishEvent.note, WishEvent.wish.community == community_id)):
        for pattern in redact.like_patterns(replacements):
            rows = await table.select(table.id, column).where(where & column.like(pattern))
            for row in rows:
                text = redact.text(row[column._meta.name], replacements)
                await table.update({column: text}).where(table.id == row["id"])
                changed += 1
    return changed

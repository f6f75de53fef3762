"""Micro-wishes: post, review, claim, release, fulfil, confirm, dispute, resolve, cancel.

Every change goes through ``_move``: it asks the pure rules for the next state, changes the
row only if it is still in the state that was read (so of simultaneous claims exactly one
wins, on SQLite and on PostgreSQL), and appends the event to the wish's history — all in
one transaction. Confirmation pays the helpers through the ledger in that same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from marketplace import db
from marketplace.accounts.roles import Principal
from marketplace.accounts.tables import User
from marketplace.audit import service as audit
from marketplace.community.tables import Community
from marketplace.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.ledger import service as ledger
from marketplace.wishes.rules import Action, IllegalTransition, Role, State, transition
from marketplace.wishes.tables import Category, Wish, WishClaim, WishEvent


def now() -> datetime:
    return datetime.now(UTC)


# --- categories ---------------------------------------------------------------------


async def categories(community_id: int, active_only: bool = True) -> list[dict[str, Any]]:
    query = Category.select().where(Category.community == community_id)
    if active_only:
        query = query.where(Category.active == True)  # noqa: E712
    return await query.order_by(Category.name)


async def add_category(actor: Principal, community_id: int, name: str, points: int) -> int:
    if not actor.can_staff(community_id):
        raise Forbidden(_("Only staff of this community manage its categories."))
    name = name.strip()
    if not 1 <= len(name) <= 60:
        raise DomainError(_("Please enter a name (up to 60 characters)."), "name")
    community = await Community.select().where(Community.id == community_id).first()
    if community is None:
        raise NotFound(_("No such community."))
    _check_points(community, points)
    rows = await Category.insert(
        Category(community=community_id, name=name, default_points=points)
    ).returning(Category.id)
    return int(rows[0]["id"])


async def toggle_category(actor: Principal, category_id: int) -> None:
    row = await Category.select().where(Category.id == category_id).first()
    if row is None:
        raise NotFound(_("No such category."))
    if not actor.can_staff(row["community"]):
        raise Forbidden(_("Only staff of this community manage its categories."))
    await Category.update({Category.active: not row["active"]}).where(Category.id == category_id)


def _check_points(community: dict[str, Any], points: int) -> None:
    low, high = community["min_wish_points"], community["max_wish_points"]
    if not low <= points <= high:
        raise DomainError(
            _("Points must be between %(low)s and %(high)s in this community.", low=low,
              high=high), "points")


# --- posting --------------------------------------------------------------------------


@dataclass
class NewWish:
    category_id: int
    title: str
    description: str = ""
    wished_by: date | None = None
    photo: str = ""


async def post_wish(actor: Principal, wish: NewWish, owner_id: int | None = None) -> int:
    """A resident posts for themselves; staff may post for a resident (红色代办)."""
    owner_id = owner_id or actor.user_id
    title, description = wish.title.strip(), wish.description.strip()
    if not 2 <= len(title) <= 80:
        raise DomainError(_("Please give the wish a short title (2–80 characters)."), "title")
    if len(description) > 2000:
        raise DomainError(_("The description is too long (2000 characters at most)."),
                          "description")
    if wish.wished_by is not None and wish.wished_by < now().date():
        raise DomainError(_("The wished-by date is in the past."), "wished_by")
    owner = await User.select(User.id, User.community, User.grid, User.building).where(
        User.id == owner_id).first()
    if owner is None:
        raise NotFound(_("No such resident."), "owner")
    community_id = int(owner["community"])
    if owner_id != actor.user_id and not actor.can_staff(community_id):
        raise Forbidden(_("Only staff can post a wish on behalf of a resident."))
    category = await Category.select().where(
        (Category.id == wish.category_id) & (Category.community == community_id)
        & (Category.active == True)  # noqa: E712
    ).first()
    if category is None:
        raise DomainError(_("Please choose a category."), "category")
    async with db.transaction():
        rows = await Wish.insert(Wish(
            community=community_id, grid=owner["grid"], building=owner["building"],
            owner=owner_id, posted_by=actor.user_id, category=wish.category_id, title=title,
            description=description, wished_by=wish.wished_by, photo=wish.photo,
            points=category["default_points"],
        )).returning(Wish.id)
        wish_id = int(rows[0]["id"])
        note = "" if owner_id == actor.user_id else _("Posted on the resident's behalf.")
        await _event(wish_id, actor.user_id, "post", "", State.PENDING, note)
    return wish_id


# --- reading --------------------------------------------------------------------------


async def _load(wish_id: int) -> dict[str, Any]:
    row = await Wish.select().where(Wish.id == wish_id).first()
    if row is None:
        raise NotFound(_("That wish does not exist or has been removed."))
    return row


async def active_claimers(wish_id: int) -> list[int]:
    rows = await WishClaim.select(WishClaim.helper).where(
        (WishClaim.wish == wish_id) & (WishClaim.active == True)  # noqa: E712
    ).order_by(WishClaim.joined_at).order_by(WishClaim.id)
    return [int(r["helper"]) for r in rows]


async def roles_for(actor: Principal | None, wish: dict[str, Any]) -> frozenset[Role]:
    if actor is None:
        return frozenset({Role.SYSTEM})
    roles: set[Role] = set()
    if wish["owner"] == actor.user_id:
        roles.add(Role.OWNER)
    if actor.can_staff(wish["community"]):
        roles.add(Role.STAFF)
    if actor.user_id in await active_claimers(wish["id"]):
        roles.add(Role.CLAIMER)
    elif actor.is_helper and actor.community_id == wish["community"]:
        roles.add(Role.HELPER)
    return frozenset(roles)


def can_see(actor: Principal, wish: dict[str, Any], roles: frozenset[Role]) -> bool:
    """Pending and rejected wishes are private to the owner and staff."""
    if roles & {Role.OWNER, Role.STAFF, Role.CLAIMER}:
        return True
    return wish["community"] == actor.community_id and wish["status"] not in (
        State.PENDING, State.REJECTED)


async def history(wish_id: int) -> list[dict[str, Any]]:
    return await WishEvent.select(
        WishEvent.all_columns(), WishEvent.actor.display_name
    ).where(WishEvent.wish == wish_id).order_by(WishEvent.at).order_by(WishEvent.id)


# --- transitions ----------------------------------------------------------------------


async def _event(wish_id: int, actor_id: int | None, action: str, from_state: str,
                 to_state: str, note: str = "") -> None:
    await WishEvent.insert(WishEvent(wish=wish_id, actor=actor_id, action=action,
                                     from_state=from_state, to_state=to_state,
                                     note=note[:500]))


def _refusal(exc: IllegalTransition) -> Exception:
    if exc.action is Action.CLAIM and exc.reason == "state":
        return Conflict(_("Sorry, this wish has already been claimed by someone else."))
    if exc.reason == "state":
        return Conflict(_("This wish has moved on and is no longer waiting for that step."))
    return Forbidden(_("You cannot do that with this wish."))


async def _move(wish_id: int, action: Action, actor: Principal | None, note: str = "",
                changes: dict[Any, Any] | None = None) -> dict[str, Any]:
    """Check the rules, change the row if still in the state read, record the event."""
    wish = await _load(wish_id)
    roles = await roles_for(actor, wish)
    try:
        target = transition(State(wish["status"]), action, roles)
    except IllegalTransition as exc:
        raise _refusal(exc) from None
    values = {Wish.status: target.value, Wish.updated_at: now(), **(changes or {})}
    moved = await Wish.update(values).where(
        (Wish.id == wish_id) & (Wish.status == wish["status"])
    ).returning(Wish.id)
    if not moved:
        # Another request changed the wish between our read and our write: it won.
        raise _refusal(IllegalTransition("state", State(wish["status"]), action))
    await _event(wish_id, actor.user_id if actor else None, action.value, wish["status"],
                 target.value, note)
    return {**wish, "status": target.value}


async def review(actor: Principal, wish_id: int, approve: bool, points: int | None = None,
                 reason: str = "") -> None:
    wish = await _load(wish_id)
    if not actor.can_staff(wish["community"]):
        raise Forbidden(_("Only staff of this community review its wishes."))
    if approve:
        community = await Community.select().where(Community.id == wish["community"]).first()
        value = wish["points"] if points is None else points
        _check_points(community, value)
        async with db.transaction():
            await _move(wish_id, Action.APPROVE, actor, "", {Wish.points: value})
        return
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Please tell the resident why the wish is not accepted."), "reason")
    async with db.transaction():
        await _move(wish_id, Action.REJECT, actor, reason, {Wish.reject_reason: reason[:300]})
        await audit.record(actor.user_id, wish["community"], "wish_rejected", "wish", wish_id,
                           reason)


async def claim(actor: Principal, wish_id: int) -> None:
    if not actor.is_helper:
        raise Forbidden(_("Only verified helpers can claim wishes."))
    async with db.transaction():
        community = await _community_of(wish_id)
        deadline = now() + timedelta(days=community["claim_deadline_days"])
        await _move(wish_id, Action.CLAIM, actor, "", {Wish.claim_deadline: deadline})
        await WishClaim.insert(WishClaim(wish=wish_id, helper=actor.user_id))


async def assign(actor: Principal, wish_id: int, helper_id: int) -> None:
    """Staff coordination (社区协调): give an unclaimed wish to a helper, who may decline."""
    async with db.transaction():
        community = await _community_of(wish_id)
        helper = await User.select(User.id, User.community).where(User.id == helper_id).first()
        from marketplace.accounts.tables import HelperProfile

        verified = await HelperProfile.exists().where(
            (HelperProfile.user == helper_id) & (HelperProfile.status == "verified"))
        if helper is None or not verified or helper["community"] != community["id"]:
            raise DomainError(_("Please choose a verified helper of this community."),
                              "helper")
        deadline = now() + timedelta(days=community["claim_deadline_days"])
        await _move(wish_id, Action.ASSIGN, actor, "", {Wish.claim_deadline: deadline})
        await WishClaim.insert(WishClaim(wish=wish_id, helper=helper_id,
                                         assigned_by=actor.user_id))


async def _community_of(wish_id: int) -> dict[str, Any]:
    wish = await _load(wish_id)
    return await Community.select().where(Community.id == wish["community"]).first()


async def _end_claims(wish_id: int) -> None:
    await WishClaim.update({WishClaim.active: False}).where(
        (WishClaim.wish == wish_id) & (WishClaim.active == True)  # noqa: E712
    )


async def release(actor: Principal | None, wish_id: int, note: str = "",
                  lapsed: bool = False) -> None:
    async with db.transaction():
        action = Action.LAPSE if lapsed else Action.RELEASE
        await _move(wish_id, action, actor, note, {Wish.claim_deadline: None})
        await _end_claims(wish_id)


async def fulfil(actor: Principal, wish_id: int, note: str, minutes: int,
                 photo: str = "") -> None:
    note = note.strip()
    if not note:
        raise DomainError(_("Please say briefly what was done."), "note")
    if not 0 <= minutes <= 24 * 60:
        raise DomainError(_("Hours spent must be between 0 and 24."), "hours")
    async with db.transaction():
        await _move(wish_id, Action.FULFIL, actor, note[:500], {
            Wish.fulfil_note: note[:2000], Wish.hours: minutes, Wish.fulfil_photo: photo,
            Wish.claim_deadline: None})


def split_points(points: int, helpers: int) -> list[int]:
    """Even split of a team's points; the remainder goes to whoever joined first."""
    share, remainder = divmod(points, helpers)
    return [share + remainder] + [share] * (helpers - 1)


async def _pay(wish: dict[str, Any], actor_id: int | None) -> None:
    helpers = await active_claimers(wish["id"])
    for helper_id, amount in zip(helpers, split_points(wish["points"], len(helpers)),
                                 strict=True):
        if amount <= 0:
            continue
        await ledger.award(wish["community"], helper_id, amount, "award", f"wish:{wish['id']}",
                           actor_id, wish["title"][:200], key=f"wish:{wish['id']}:{helper_id}")


async def confirm(actor: Principal | None, wish_id: int, rating: int | None = None,
                  comment: str = "", auto: bool = False) -> None:
    if rating is not None and not 1 <= rating <= 5:
        raise DomainError(_("Please rate from 1 to 5 stars."), "rating")
    async with db.transaction():
        action = Action.AUTO_CONFIRM if auto else Action.CONFIRM
        note = _("Confirmed automatically: no answer in time.") if auto else comment
        wish = await _move(wish_id, action, actor, note, {
            Wish.rating: rating, Wish.rating_comment: comment.strip()[:300]})
        await _pay(wish, actor.user_id if actor else None)


async def dispute(actor: Principal, wish_id: int, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Please say what is not right, so staff can help."), "reason")
    async with db.transaction():
        await _move(wish_id, Action.DISPUTE, actor, reason, {Wish.dispute_reason: reason[:300]})


async def resolve(actor: Principal, wish_id: int, confirm_it: bool, note: str) -> None:
    async with db.transaction():
        if confirm_it:
            wish = await _move(wish_id, Action.RESOLVE_CONFIRM, actor, note)
            await _pay(wish, actor.user_id)
        else:
            await _move(wish_id, Action.RESOLVE_REOPEN, actor, note)
            await _end_claims(wish_id)


async def cancel(actor: Principal, wish_id: int, note: str = "") -> None:
    async with db.transaction():
        await _move(wish_id, Action.CANCEL, actor, note, {Wish.claim_deadline: None})
        await _end_claims(wish_id)


async def system_move(wish_id: int, action: Action, note: str = "") -> None:
    """A timer's transition (expiry): no person acts, the event records 'automatic'."""
    async with db.transaction():
        await _move(wish_id, action, None, note)

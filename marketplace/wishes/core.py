"""The wish service's core: load a wish, who the actor is to it, and ``move`` it.

Every change goes through ``move``: it asks the pure rules for the next state, changes the
row only if it is still in the state that was read (so of simultaneous claims exactly one
wins, on SQLite and on PostgreSQL), and appends the event to the wish's history. Callers
open the transaction, so the notifications they send commit or roll back with the change.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from marketplace import clock, db, quickread
from marketplace.accounts import proxies
from marketplace.audit import service as audit
from marketplace.community import areas
from marketplace.community.tables import Community
from marketplace.db import MAX_ID
from marketplace.errors import Conflict, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.notifications import service as notifications
from marketplace.principal import Principal
from marketplace.wishes import queries, stageclock
from marketplace.wishes.queries import WishFacts
from marketplace.wishes.rules import NOTE_MAX, Action, IllegalTransition, Role, State, transition
from marketplace.wishes.tables import Wish, WishClaim, WishEvent

# Wish.street_status: where a wish sent to the street (街道兜底) is; '' never sent.
STREET_QUEUED, STREET_ASSIGNED, STREET_RETURNED, STREET_CLOSED = (
    "queued", "assigned", "returned", "closed")


async def load(wish_id: int) -> dict[str, Any]:
    row = None
    if 0 < wish_id <= MAX_ID:
        row = await Wish.select().where(Wish.id == wish_id).first()
    if row is None:
        raise NotFound(_("That wish does not exist or has been removed."))
    return row


async def community_of(wish: dict[str, Any]) -> dict[str, Any]:
    return await Community.select().where(Community.id == wish["community"]).first()


async def lock(wish_id: int) -> None:
    """Take the wish's row lock for the rest of the transaction, so a count of its claims
    cannot change under us. NO KEY UPDATE is the lock an update of the row takes: rows that
    point at the wish (its events, claims) may still be inserted meanwhile."""
    await db.lock_row(Wish, wish_id, "NO KEY UPDATE")


async def claims(wish_id: int) -> list[dict[str, Any]]:
    """Active claims, first joiner first: the order the team's points are split in."""
    if not 0 < wish_id <= MAX_ID:
        return []
    return await WishClaim.select().where(
        (WishClaim.wish == wish_id) & (WishClaim.active == True)  # noqa: E712
    ).order_by(WishClaim.joined_at).order_by(WishClaim.id)


async def active_claimers(wish_id: int) -> list[int]:
    return [int(c["helper"]) for c in await claims(wish_id)]


async def end_claims(wish_id: int, helper_id: int | None = None) -> None:
    query = WishClaim.update({WishClaim.active: False}).where(
        (WishClaim.wish == wish_id) & (WishClaim.active == True)  # noqa: E712
    )
    if helper_id is not None:
        query = query.where(WishClaim.helper == helper_id)
    await query


async def roles_for(actor: Principal | None, wish: dict[str, Any]) -> frozenset[Role]:
    if actor is None:
        return frozenset({Role.SYSTEM})
    # The resident, or someone who may act for them (proxies.may_act_for: the one rule).
    owner = wish["owner"] == actor.user_id or await proxies.may_act_for(actor, wish["owner"])
    return await _roles(actor, wish, await claims(wish["id"]), owner)


async def _roles(actor: Principal, wish: dict[str, Any], active: list[dict[str, Any]],
                 owner: bool) -> frozenset[Role]:
    """Who ``actor`` is to the wish, given its active claims and whether they are (or act
    for) its owner."""
    roles: set[Role] = {Role.OWNER} if owner else set()
    if actor.can_staff(wish["community"]):
        roles.add(Role.STAFF)
    # Street staff are someone to a wish their street was asked to back up (街道兜底).
    if (actor.street_ids and wish.get("street_status")
            and await areas.street_of(wish["community"]) in actor.street_ids):
        roles.add(Role.STREET)
    mine = [c for c in active if c["helper"] == actor.user_id]
    if mine:
        roles.add(Role.CLAIMER)
        if mine[0]["assigned_by"] is not None:
            roles.add(Role.ASSIGNEE)
    elif actor.is_helper and actor.community_id == wish["community"]:
        roles.add(Role.HELPER)
    return frozenset(roles)


def can_see(actor: Principal, wish: dict[str, Any], roles: frozenset[Role]) -> bool:
    """Pending and rejected wishes are private to the owner and staff; other communities
    see nothing of a wish."""
    if roles & {Role.OWNER, Role.STAFF, Role.CLAIMER, Role.STREET}:
        return True
    return wish["community"] == actor.community_id and wish["status"] not in (
        State.PENDING, State.REJECTED)


@dataclass(frozen=True)
class View:
    """A wish as one person sees it, read in one statement (``queries.wish_facts``): what
    a step decides on and what it then tells whom."""

    wish: dict[str, Any]
    roles: frozenset[Role]
    facts: WishFacts

    @property
    def claimers(self) -> list[int]:
        """The active claimers, first joiner first (``active_claimers``)."""
        return [int(c["helper"]) for c in self.facts.claims]


async def view(actor: Principal, wish_id: int) -> View:
    """The wish, the actor's roles and the facts behind them, or NotFound: a wish one may
    not see does not exist."""
    facts = await queries.wish_facts(wish_id, actor.user_id)
    if facts is None:
        raise NotFound(_("That wish does not exist or has been removed."))
    wish = facts.wish
    owner = wish["owner"] == actor.user_id or proxies.may_act_for_person(
        actor, facts.owner, facts.reader_is_proxy)
    roles = await _roles(actor, wish, facts.claims, owner)
    if not can_see(actor, wish, roles):
        raise NotFound(_("That wish does not exist or has been removed."))
    return View(wish, roles, facts)


async def visible(actor: Principal, wish_id: int) -> tuple[dict[str, Any], frozenset[Role]]:
    """The wish and the actor's roles, or NotFound: a wish one may not see does not exist."""
    seen = await view(actor, wish_id)
    return seen.wish, seen.roles


async def history(wish_id: int) -> list[dict[str, Any]]:
    return await WishEvent.select(
        WishEvent.all_columns(), WishEvent.actor.display_name,
        WishEvent.on_behalf_of.display_name,
    ).where(WishEvent.wish == wish_id).order_by(WishEvent.at).order_by(WishEvent.id)


# Every step of every wish writes these two: their SQL is written once (Piccolo took
# longer to build each than SQLite to run it).
_EVENT_SQL = """INSERT INTO wish_event
(wish, community, actor, "at", action, from_state, to_state, note, on_behalf_of)
VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {})"""
_UPDATE_SQL = ("UPDATE wish SET {sets} WHERE id = {{}} AND status = {{}} "
               "AND street_status = {{}} RETURNING id")


@functools.cache
def _update_sql(columns: tuple[str, ...]) -> str:
    return _UPDATE_SQL.format(sets=", ".join(f'"{c}" = {{}}' for c in columns))


async def update_if_unchanged(wish_id: int, status: str, street_status: str,
                              values: dict[Any, Any]) -> bool:
    """Set ``values`` (column → value) on the wish only if its status and street status
    are still those read; True when it did. Of simultaneous steps exactly one wins."""
    columns = tuple(column._meta.db_column_name for column in values)
    rows = await quickread.run(_update_sql(columns), *values.values(), wish_id, status,
                               street_status)
    return bool(rows)


async def event(wish: dict[str, Any], actor_id: int | None, action: str, from_state: str,
                to_state: str, note: str = "", on_behalf_of: int | None = None) -> None:
    """The one place a wish's history is written (``wish``: its id and community)."""
    await quickread.run(_EVENT_SQL, wish["id"], wish["community"], actor_id, clock.now(),
                        action, from_state, to_state, note[:NOTE_MAX], on_behalf_of)


def at_street(wish: dict[str, Any]) -> bool:
    """Is the wish waiting on its street's escalation queue?"""
    return wish.get("street_status") == STREET_QUEUED


def next_state(wish: dict[str, Any], action: Action, roles: frozenset[Role]) -> State:
    """The state ``action`` leads to, or the refusal the actor sees (``refusal``)."""
    try:
        return transition(State(wish["status"]), action, roles, at_street(wish))
    except IllegalTransition as exc:
        raise refusal(exc) from None


def refusal(exc: IllegalTransition) -> Exception:
    if exc.action in (Action.CLAIM, Action.JOIN) and exc.reason == "state":
        return Conflict(_("Sorry, this wish has already been claimed by someone else."))
    if exc.reason == "state":
        return Conflict(_("This wish has moved on and is no longer waiting for that step."))
    return Forbidden(_("You cannot do that with this wish."))


async def move(wish_id: int, action: Action, actor: Principal | None, note: str = "",
               changes: dict[Any, Any] | None = None, seen: View | None = None
               ) -> dict[str, Any]:
    """Check the rules, change the row if still in the state read, record the event.

    ``seen``: the actor's ``view`` of the wish when the caller has just read it (else it
    is read here). Returns the wish as it was read, with the new status."""
    if seen is not None:
        wish, roles = seen.wish, seen.roles
    elif actor is None:
        wish = await load(wish_id)
        roles = await roles_for(None, wish)
    else:
        wish, roles = await visible(actor, wish_id)
    target = next_state(wish, action, roles)
    for_owner = actor is not None and _for_owner(wish, action, roles, actor)
    if for_owner:
        assert actor is not None
        await done_for(wish, action.value, actor)
    values = {Wish.status: target.value, Wish.updated_at: clock.now(), **(changes or {})}
    if at_street(wish) and target is not State.OPEN and Wish.street_status not in values:
        values[Wish.street_status] = STREET_CLOSED  # claimed or ended: off the street's queue
    # The street's part of the state too: an escalation and a sending back leave the
    # status open, and two at once must not both pass.
    moved = await update_if_unchanged(wish_id, wish["status"], wish.get("street_status", ""),
                                      values)
    if not moved:
        # Another request changed the wish between our read and our write: it won.
        raise refusal(IllegalTransition("state", State(wish["status"]), action))
    await event(wish, actor.user_id if actor else None, action.value, wish["status"],
                target.value, note, wish["owner"] if for_owner else None)
    if target is State.CONFIRMED:
        # Its history is final now: the reports read its durations from the row.
        await stageclock.keep(wish_id)
    return {**wish, "status": target.value}


def _for_owner(wish: dict[str, Any], action: Action, roles: frozenset[Role],
               actor: Principal) -> bool:
    """Is this step the resident's own, taken by someone acting for them? (Staff cancelling
    as staff act in their own right, not for the resident.)"""
    if wish["owner"] == actor.user_id or Role.OWNER not in roles:
        return False
    try:
        transition(State(wish["status"]), action, roles - {Role.OWNER})
    except IllegalTransition:
        return True
    return False


async def done_for(wish: dict[str, Any], step: str, actor: Principal) -> None:
    """Record a step taken for the resident by someone else besides its timeline event
    (which names the resident in ``on_behalf_of``): the audit line and the resident's
    notification ("done for you by …")."""
    await audit.record(actor.user_id, wish["community"], "acted_for", "wish", wish["id"],
                       f"{step} for user {wish['owner']}")
    await notifications.send(wish["owner"], f"done_for_you_{step}", link=f"/wishes/{wish['id']}",
                             title=wish["title"], agent=actor.display_name)

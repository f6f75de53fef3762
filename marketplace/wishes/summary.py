"""The figures a home page leads with (issue 15): what waits for this person, counted.

Counts only, each one query on an indexed column: the home page is the most visited page,
so it never loads the lists themselves (except a helper's few active claims)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from marketplace.accounts.tables import User
from marketplace.principal import Principal
from marketplace.wishes import queries
from marketplace.wishes.rules import State
from marketplace.wishes.tables import Wish


@dataclass(frozen=True)
class PersonCounts:
    to_confirm: int  # own wishes fulfilled, waiting for the owner to confirm
    open_near: int  # open wishes in the person's grid (or community): helpers only
    near_grid_id: int | None
    claims: list[dict[str, Any]] = field(default_factory=list)  # own active claims
    # open wishes elsewhere in the community, counted only when none is near: "0 near you"
    # alone sent helpers away while neighbours two grids off waited
    open_elsewhere: int = 0


@dataclass(frozen=True)
class StaffCounts:
    pending: int
    escalated: int
    disputed: int


async def for_person(actor: Principal) -> PersonCounts:
    to_confirm = await Wish.count().where(
        (Wish.owner == actor.user_id) & (Wish.status == State.FULFILLED))
    if not actor.is_helper:
        return PersonCounts(to_confirm=to_confirm, open_near=0, near_grid_id=None)
    me = await User.select(User.grid).where(User.id == actor.user_id).first()
    grid_id = me["grid"] if me else None
    community = (Wish.community == actor.community_id) & (Wish.status == State.OPEN)
    near = community & (Wish.grid == grid_id) if grid_id else community
    open_near = await Wish.count().where(near)
    elsewhere = await Wish.count().where(community) if grid_id and not open_near else 0
    return PersonCounts(to_confirm=to_confirm, open_near=open_near, near_grid_id=grid_id,
                        claims=(await queries.claimed_by(actor.user_id))[:3],
                        open_elsewhere=elsewhere)


async def for_staff(actor: Principal) -> StaffCounts | None:
    """The queues of the community a staff member serves first (the queue page's default)."""
    if not actor.is_staff:
        return None
    cid = min(actor.staff_community_ids) if actor.staff_community_ids else actor.community_id
    mine = Wish.community == cid
    return StaffCounts(
        pending=await Wish.count().where(mine & (Wish.status == State.PENDING)),
        escalated=await Wish.count().where(
            mine & (Wish.status == State.OPEN) & Wish.escalated_at.is_not_null()),
        disputed=await Wish.count().where(mine & (Wish.status == State.DISPUTED)),
    )

"""Claims: claim or join a team, staff assignment and declining it, release and lapse.

Race safety: the first claim is a conditional update from ``open`` (exactly one wins;
a claim on a wish already taken is refused from one read, before any transaction, and one
arriving while another claim of it is in its transaction is refused at once, not queued);
joining a team takes the wish's row lock before counting its claims, so however many
helpers join at once there are never more than ``team_size`` active claims.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from marketplace import clock, db, quickread
from marketplace.accounts.tables import HelperProfile, User
from marketplace.audit import service as audit
from marketplace.community import areas
from marketplace.errors import Conflict, DomainError, Forbidden
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.wishes import core, notify
from marketplace.wishes.rules import Action, IllegalTransition, Role, State
from marketplace.wishes.tables import Wish

# Claimers of one wish take this advisory lock (db.first_in_line): the first goes on to
# the conditional update, which decides; the others are refused without waiting.
CLAIM_TOPIC = "wish claim"


async def claim(actor: Principal, wish_id: int) -> None:
    """Claim an open wish, or join its team when it takes more than one helper."""
    if not actor.is_helper:
        raise Forbidden(_("Only verified helpers can claim wishes."))
    # In a claim storm nearly every claim arrives after the wish is taken: refuse those
    # from one read, before the write transaction (SQLite's write lock, a PostgreSQL
    # connection held). That read is also the one ``move`` decides on: its conditional
    # update (still open, same street status) decides the race, and nothing else the
    # claim's rules look at (who the helper is to the wish's owner, whether they hold a
    # claim on it) can differ while the wish is still open.
    seen = await core.view(actor, wish_id)
    wish = seen.wish
    joining = wish["status"] == State.CLAIMED and wish["team_size"] > 1
    if not joining:
        core.next_state(wish, Action.CLAIM, seen.roles)
    async with db.transaction():
        if joining:
            await _join(actor, wish_id)
            return
        deadline = clock.now() + timedelta(days=seen.facts.claim_deadline_days)
        try:
            if not await db.first_in_line(CLAIM_TOPIC, wish_id):
                # Another helper's claim of this wish is in its transaction and will take
                # it: refuse now instead of queueing for the row lock its update holds (in
                # a storm, 19 losers per wish, each holding a pooled connection meanwhile).
                raise core.refusal(IllegalTransition("state", State.CLAIMED, Action.CLAIM))
            wish = await core.move(wish_id, Action.CLAIM, actor, "",
                                   {Wish.claim_deadline: deadline}, seen)
        except Conflict:
            # Lost the race for the first place of a team: take a later one if any is left.
            if wish["team_size"] > 1:
                await _join(actor, wish_id)
                return
            raise
        await add_claim(wish_id, actor.user_id)
        await notify.tell([wish["owner"]], "wish_claimed", wish, helper=actor.display_name)


# The claim carries its wish's community (a wish never moves): the reports count a
# community's helpers of a period through the index on (community, joined_at, helper).
_ADD_CLAIM_SQL = """INSERT INTO wish_claim (wish, community, helper, joined_at, active,
  assigned_by)
SELECT id, community, {}, {}, {}, {} FROM wish WHERE id = {}"""


async def add_claim(wish_id: int, helper_id: int, assigned_by: int | None = None) -> None:
    """The helper's active claim on the wish (its SQL written once: every claim writes
    one)."""
    await quickread.run(_ADD_CLAIM_SQL, helper_id, clock.now(), True, assigned_by, wish_id)


async def _join(actor: Principal, wish_id: int) -> None:
    await core.lock(wish_id)
    wish = await core.move(wish_id, Action.JOIN, actor)
    if len(await core.claims(wish_id)) >= wish["team_size"]:
        # Raising rolls back the JOIN event written just above.
        raise Conflict(_("Sorry, the team for this wish is already complete."))
    await add_claim(wish_id, actor.user_id)
    await notify.tell([wish["owner"]], "wish_claimed", wish, helper=actor.display_name)


async def _staff_of(actor: Principal, wish_id: int) -> tuple[dict[str, Any], frozenset[Role]]:
    """The wish; NotFound unless the actor may see it, Forbidden unless they are its staff
    or (on the street's queue) its street's staff."""
    wish, roles = await core.visible(actor, wish_id)
    if not roles & {Role.STAFF, Role.STREET}:
        raise Forbidden(_("You cannot do that with this wish."))
    return wish, roles


async def helper_communities(wish: dict[str, Any], roles: frozenset[Role]) -> list[int]:
    """Where the helper given to a wish may come from: its community; for street staff
    working the street's queue (街道兜底), any community of the street."""
    if Role.STAFF in roles or not core.at_street(wish):
        return [int(wish["community"])]
    street_id = await areas.street_of(int(wish["community"]))
    return [int(c["id"]) for c in await areas.communities_of_street(street_id or 0)]


async def assign(actor: Principal, wish_id: int, helper_id: int) -> None:
    """Staff coordination (社区协调): give an unclaimed wish to a helper, who may decline.
    Street staff give a wish on their queue to a helper of any community of the street."""
    async with db.transaction():
        wish, roles = await _staff_of(actor, wish_id)  # before telling anything of the helper
        community = await core.community_of(wish)
        allowed = await helper_communities(wish, roles)
        helper = await User.select(User.id, User.community).where(
            (User.id == helper_id) & (User.is_active == True)).first()  # noqa: E712
        verified = await HelperProfile.exists().where(
            (HelperProfile.user == helper_id) & (HelperProfile.status == "verified"))
        if (helper is None or not verified or helper["community"] not in allowed
                or helper_id == wish["owner"]):
            raise DomainError(_("Please choose a verified helper of this community.")
                              if len(allowed) == 1 else
                              _("Please choose a verified helper of this street."), "helper")
        by_street = core.at_street(wish) and Role.STAFF not in roles
        deadline = clock.now() + timedelta(days=community["claim_deadline_days"])
        changes: dict[Any, Any] = {Wish.claim_deadline: deadline}
        if core.at_street(wish):
            changes[Wish.street_status] = core.STREET_ASSIGNED
        wish = await core.move(wish_id, Action.ASSIGN, actor, "", changes)
        await add_claim(wish_id, helper_id, assigned_by=actor.user_id)
        await notify.tell([helper_id], "wish_assigned", wish)
        if by_street:
            await notify.tell_staff(wish, "wish_street_assigned", street=actor.display_name)
        await audit.record(actor.user_id, wish["community"], "wish_assigned", "wish", wish_id,
                           f"user {helper_id}")


async def decline(actor: Principal, wish_id: int, note: str = "") -> None:
    """The assigned helper says no: the wish is open again, on the staff escalation queue."""
    async with db.transaction():
        wish = await core.load(wish_id)
        wish = await core.move(wish_id, Action.DECLINE, actor, note, {
            Wish.claim_deadline: None,
            Wish.escalated_at: wish["escalated_at"] or clock.now()})
        await core.end_claims(wish_id)
        await notify.tell_staff(wish, "assignment_declined", helper=actor.display_name)


async def release(actor: Principal | None, wish_id: int, note: str = "",
                  lapsed: bool = False) -> None:
    """A claimer gives the wish back (or the deadline passed). In a team with others left,
    only the leaver's place is freed and the wish stays claimed."""
    async with db.transaction():
        await core.lock(wish_id)
        helpers = await core.active_claimers(wish_id)
        if actor is not None and not lapsed and actor.user_id in helpers and len(helpers) > 1:
            wish = await core.move(wish_id, Action.LEAVE, actor, note)
            await core.end_claims(wish_id, actor.user_id)
            await notify.tell([wish["owner"]], "wish_released", wish,
                              helper=actor.display_name)
            return
        action = Action.LAPSE if lapsed else Action.RELEASE
        wish = await core.move(wish_id, action, actor, note, {Wish.claim_deadline: None})
        await core.end_claims(wish_id)
        if lapsed:
            await notify.tell(helpers, "claim_lapsed", wish)
            await notify.tell([wish["owner"]], "wish_claim_lapsed", wish)
            return
        assert actor is not None
        if actor.user_id in helpers:
            await notify.tell([wish["owner"]], "wish_released", wish,
                              helper=actor.display_name)
        else:  # staff took the claim back
            await notify.tell(helpers, "claim_released_by_staff", wish)
            await notify.tell([wish["owner"]], "wish_released", wish,
                              helper=actor.display_name)

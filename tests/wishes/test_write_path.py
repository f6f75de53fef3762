"""The wish steps' short write path: one read of the wish and what the step decides on
(``queries.wish_facts``), then the conditional update, the history row, the claim row and
the notifications. Its hand-written statements answer what the general queries answer,
on SQLite and PostgreSQL; races still have one winner."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from marketplace import clock, db
from marketplace.accounts import closing, proxies
from marketplace.accounts.tables import ProxyLink, User
from marketplace.errors import Conflict
from marketplace.ledger.tables import Transfer
from marketplace.notifications import service as notifications
from marketplace.principal import Principal
from marketplace.wishes import claims, core, queries, service
from marketplace.wishes.rules import NOTE_MAX, State
from marketplace.wishes.tables import Wish, WishClaim, WishEvent
from tests.conftest import World
from tests.statements import statements
from tests.wishes.helpers import open_wish, status


async def _proxy(resident: Principal, proxy: Principal, active: bool = True) -> None:
    await ProxyLink.insert(ProxyLink(resident=resident.user_id, proxy=proxy.user_id,
                                     active=active))


def _typed(row: dict) -> list[tuple[str, type, object]]:
    """Each value with its type (1 == True, and a date read as text would not do)."""
    return sorted((k, type(v), v) for k, v in row.items())


async def _varied_wishes(world: World) -> tuple[list[int], list[Principal]]:
    """Wishes in several states and shapes, and people in every relation to them."""
    owner, staff = await world.person(), await world.person(staff=True)
    managed = await world.person()
    await User.update({User.managed_by_staff: True}).where(User.id == managed.user_id)
    proxy, old_proxy = await world.person(), await world.person()
    await _proxy(owner, proxy)
    await _proxy(owner, old_proxy, active=False)
    a, b, c = [await world.person(helper=True) for _ in range(3)]
    plain = await open_wish(world, owner, staff)
    team = await open_wish(world, owner, staff, team_size=3)
    await service.claim(a, team)
    await service.claim(b, team)
    assigned = await open_wish(world, managed, staff)
    await service.assign(staff, assigned, c.user_id)
    pending = await service.post_wish(owner, service.NewWish(
        (await service.categories(world.community_id))[0]["id"], "Still pending"))
    done = await open_wish(world, owner, staff)
    await service.claim(a, done)
    await service.fulfil(a, done, "Done", minutes=30)
    # A team's wish done, one of whose helpers has closed their account since.
    gone = await world.person(helper=True)
    done_by_team = await open_wish(world, owner, staff, team_size=2)
    await service.claim(gone, done_by_team)
    await service.claim(a, done_by_team)
    await service.fulfil(a, done_by_team, "Done together", minutes=60)
    await User.update({User.is_active: False}).where(User.id == gone.user_id)
    people = [owner, staff, managed, proxy, old_proxy, a, b, c,
              Principal(user_id=proxy.user_id, login=owner.login,
                        display_name=owner.display_name, community_id=world.community_id,
                        agent_id=proxy.user_id)]
    return [plain, team, assigned, pending, done, done_by_team], people


async def test_one_read_answers_what_the_four_reads_answered(world: World) -> None:
    wish_ids, people = await _varied_wishes(world)
    closed_seen = set()
    for wish_id in wish_ids:
        wish = await core.load(wish_id)
        owner = await User.select(*(User._meta.get_column_by_name(c) for c in (
            "id", "login", "display_name", "community", "managed_by_staff", "is_active",
        ))).where(User.id == wish["owner"]).first()
        for person in people:
            facts = await queries.wish_facts(wish_id, person.user_id)
            assert facts is not None
            assert _typed(facts.wish) == _typed(wish)
            assert [_typed(c) for c in facts.claims] == [
                _typed(c) for c in await core.claims(wish_id)]
            assert {k: bool(v) if k in ("managed_by_staff", "is_active") else v
                    for k, v in facts.owner.items()} == owner
            assert facts.proxies == sorted(await proxies.agents_of(wish["owner"]))
            assert facts.claim_deadline_days == (
                await core.community_of(wish))["claim_deadline_days"]
            assert facts.closed_claimers == await closing.closed_among(
                await core.active_claimers(wish_id))
            closed_seen |= facts.closed_claimers
            assert (proxies.may_act_for_person(person, facts.owner, facts.reader_is_proxy)
                    == await proxies.may_act_for(person, wish["owner"]))
            seen = await core.view(person, wish_id) if core.can_see(
                person, wish, await core.roles_for(person, wish)) else None
            if seen is not None:
                assert seen.roles == await core.roles_for(person, wish)
                assert seen.claimers == await core.active_claimers(wish_id)
    assert len(closed_seen) == 1  # the team's helper who left


async def test_no_such_wish_has_no_facts(world: World) -> None:
    person = await world.person()
    assert await queries.wish_facts(2**31 - 2, person.user_id) is None
    assert await queries.wish_facts(0, person.user_id) is None


async def test_conditional_update_changes_the_wish_once(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    wish_id = await open_wish(world, owner, staff)
    values = {Wish.status: State.CLAIMED.value, Wish.updated_at: clock.now(),
              Wish.claim_deadline: clock.now() + timedelta(days=3)}
    assert await core.update_if_unchanged(wish_id, State.OPEN, "", values)
    assert await status(wish_id) == State.CLAIMED
    # Read before the first change: the second finds the wish moved on.
    assert not await core.update_if_unchanged(wish_id, State.OPEN, "", values)
    assert not await core.update_if_unchanged(wish_id, State.CLAIMED, "queued", values)
    row = await core.load(wish_id)
    assert row["claim_deadline"] is not None


async def test_history_row_and_claim_row_read_back_as_written(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff)
    await core.event({"id": wish_id, "community": world.community_id}, helper.user_id,
                     "fulfil", "claimed", "fulfilled", "x" * (NOTE_MAX + 20), owner.user_id)
    last = (await core.history(wish_id))[-1]
    assert (last["actor"], last["action"], last["from_state"], last["to_state"],
            last["on_behalf_of"], last["community"]) == (
        helper.user_id, "fulfil", "claimed", "fulfilled", owner.user_id, world.community_id)
    assert last["note"] == "x" * NOTE_MAX and last["actor.display_name"] == helper.display_name
    assert abs(clock.aware(last["at"]) - clock.now()) < timedelta(minutes=5)
    await claims.add_claim(wish_id, helper.user_id, assigned_by=staff.user_id)
    [claim] = await core.claims(wish_id)
    assert (claim["helper"], claim["active"], claim["assigned_by"]) == (
        helper.user_id, True, staff.user_id)


async def test_two_claims_at_once_one_winner_one_history_row_one_notice(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    wish_id = await open_wish(world, owner, staff)
    a, b = await world.person(helper=True), await world.person(helper=True)
    results = await asyncio.gather(service.claim(a, wish_id), service.claim(b, wish_id),
                                   return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "NoneType"]
    assert len(await core.claims(wish_id)) == 1
    assert await WishEvent.count().where(
        (WishEvent.wish == wish_id) & (WishEvent.action == "claim")) == 1
    assert (await notifications.kinds_sent(owner.user_id)).count("wish_claimed") == 1


async def test_confirming_twice_at_once_pays_once(world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff, points=7)
    await service.claim(helper, wish_id)
    await service.fulfil(helper, wish_id, "Done", minutes=30)
    results = await asyncio.gather(service.confirm(owner, wish_id, 5),
                                   service.confirm(owner, wish_id, 4),
                                   return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "NoneType"]
    paid = await Transfer.select().where(Transfer.reference == f"wish:{wish_id}")
    assert [t["amount"] for t in paid] == [7]
    assert (await notifications.kinds_sent(helper.user_id)).count("wish_confirmed") == 1
    with pytest.raises(Conflict):
        await service.confirm(owner, wish_id, 5)


async def test_each_step_runs_a_handful_of_statements(world: World) -> None:
    """Claim, fulfil and confirm each read the wish once: claim 5 statements (6 on
    PostgreSQL: the advisory lock that refuses a storm's losers at once), fulfil 4 (its
    owner's proxies come with the wish), confirm 10 (the ledger's four, the wish's stage
    durations and who served it kept for the reports included; whether a helper's
    account was closed comes with the wish)."""
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    warm = await open_wish(world, owner, staff)  # the person accounts exist from here on
    await service.claim(helper, warm)
    await service.fulfil(helper, warm, "Done", minutes=30)
    await service.confirm(owner, warm, 5)
    wish_id = await open_wish(world, owner, staff)
    counts = []
    for step in (lambda: service.claim(helper, wish_id),
                 lambda: service.fulfil(helper, wish_id, "Done", minutes=30),
                 lambda: service.confirm(owner, wish_id, 5)):
        with statements() as seen:
            await step()
        counts.append(len(seen))
    assert counts == [5 if db.is_sqlite() else 6, 4, 10]
    assert await status(wish_id) == State.CONFIRMED
    assert await WishClaim.count().where(WishClaim.wish == wish_id) == 1

"""Expiry and its warning look only at accounts with points falling due: with nothing due
a run is a couple of statements however many people hold points, and what is due still
expires exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from marketplace.community.tables import Community
from marketplace.ledger import expiry, rules, service
from marketplace.ledger.tables import Account, Transfer
from marketplace.notifications import service as notifications
from tests.conftest import World, unique
from tests.statements import statements

NOW = datetime.now(UTC)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1),
                    timezones=st.just(UTC)),
       st.integers(1, 36), st.floats(0, 1200))
def test_no_lot_younger_than_the_boundary_is_due(moment: datetime, months: int,
                                                 days_before: float) -> None:
    boundary = rules.newest_due_before(moment, months)
    at = moment - timedelta(days=days_before)
    if rules.add_months(at, months) <= moment:
        assert at < boundary
    # Tight to the day: the boundary's previous midnight is due.
    assert rules.add_months(boundary - timedelta(days=1), months) <= moment


async def _setup(world: World, people: int, months: int) -> list[int]:
    await Community.update({Community.points_expiry_months: months}).where(
        Community.id == world.community_id)
    ids = []
    for _ in range(people):
        person = await world.person()
        await service.award(world.community_id, person.user_id, 10, "award", "wish:1", None,
                            "", unique("k"))
        ids.append(int((await service.person_account(person.user_id))["id"]))
    return ids


async def _age(account_id: int, days: int) -> None:
    """The account's points came in ``days`` ago (a test's time machine)."""
    await Transfer.update({Transfer.created_at: NOW - timedelta(days=days)}).where(
        Transfer.credit == account_id)


async def _runs(world: World, moment: datetime) -> list[str]:
    with statements() as seen:
        assert await expiry.expire_due(moment, world.community_id) == 0
        assert await expiry.warn_expiring(moment, world.community_id) == 0
    return seen


async def test_nothing_due_is_a_few_statements_whatever_the_number_of_holders(
        world: World) -> None:
    await _setup(world, 1, 3)
    few = await _runs(world, NOW + timedelta(days=5))
    await _setup(world, 6, 3)
    many = await _runs(world, NOW + timedelta(days=5))
    assert len(few) == len(many) <= 4
    assert not any("FOR UPDATE" in s or "UPDATE " in s.upper() for s in many)


async def test_only_accounts_with_due_points_are_read(world: World) -> None:
    old, young, spent = await _setup(world, 3, 1)
    await _age(old, 40)
    await _age(spent, 45)
    spender = (await Account.select(Account.owner).where(
        Account.id == spent).first())["owner"]
    other = await world.person()
    await service.donate(spender, other.user_id, 10, spender, "", unique("k"))
    due = await expiry.due_by(NOW, world.community_id)
    assert [a["id"] for a in due] == [old]  # spent its old points; young's are young
    assert {a["id"] for a in await expiry.due_by(NOW + timedelta(days=40),
                                                  world.community_id)} >= {old, young}


async def test_due_points_expire_exactly_once(world: World) -> None:
    old, young = await _setup(world, 2, 1)
    await _age(old, 40)
    assert await expiry.expire_due(NOW, world.community_id) == 10
    assert await expiry.expire_due(NOW, world.community_id) == 0
    with statements() as again:
        assert await expiry.expire_due(NOW, world.community_id) == 0
    assert len(again) <= 2  # the expired account has nothing left: not even read
    expired = await Transfer.select(Transfer.debit).where(Transfer.kind == "expire").where(
        Transfer.debit.is_in([old, young]))
    assert [r["debit"] for r in expired] == [old]
    assert await service.check() == []


async def test_the_warning_reaches_only_those_whose_points_expire_soon(world: World) -> None:
    soon, later = await _setup(world, 2, 1)
    await _age(soon, 20)  # expires in about 10 days
    await expiry.warn_expiring(NOW, world.community_id)
    await expiry.warn_expiring(NOW, world.community_id)
    owners = {r["id"]: r["owner"] for r in await Account.select(
        Account.id, Account.owner).where(
        Account.id.is_in([soon, later]))}
    assert await notifications.kinds_sent(owners[soon]) == ["points_expiring"]
    assert await notifications.kinds_sent(owners[later]) == []

"""Points expiry: oldest first, never from under a hold, warned once, expired once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from marketplace import timers
from marketplace.community.tables import Community
from marketplace.ledger import expiry, holds, rules, service
from marketplace.ledger.tables import Transfer
from marketplace.notifications import service as notifications
from marketplace.settings import ROOT
from tests.conftest import World, login, text_of, unique

T0 = datetime(2026, 1, 31, 12, tzinfo=UTC)
EN = {"accept-language": "en"}


def test_add_months_clamps_to_the_month_end() -> None:
    assert rules.add_months(T0, 1) == datetime(2026, 2, 28, 12, tzinfo=UTC)
    assert rules.add_months(T0, 13) == datetime(2027, 2, 28, 12, tzinfo=UTC)
    assert rules.add_months(datetime(2026, 11, 5, tzinfo=UTC), 2) == datetime(
        2027, 1, 5, tzinfo=UTC)


def test_spending_consumes_the_oldest_lots_first() -> None:
    flows = [(1, T0, 10), (2, T0 + timedelta(days=40), 5), (3, T0 + timedelta(days=41), -12)]
    lots = rules.open_lots(flows)
    assert [(lot.transfer_id, lot.remaining) for lot in lots] == [(2, 3)]
    # Lot 1 was spent entirely, so at T0 + 1 month nothing is due yet; lot 2 later is.
    assert rules.due_to_expire(lots, 0, 1, T0 + timedelta(days=35)) == (0, None)
    assert rules.due_to_expire(lots, 0, 1, T0 + timedelta(days=80)) == (3, 2)
    assert rules.due_to_expire(lots, 2, 1, T0 + timedelta(days=80)) == (1, 2)
    assert rules.due_to_expire(lots, 0, 0, T0 + timedelta(days=9999)) == (0, None)


@given(st.lists(st.integers(-30, 40).filter(bool), max_size=30), st.integers(0, 60),
       st.integers(0, 120))
def test_expiry_never_exceeds_the_unheld_balance(changes: list[int], held: int,
                                                 days: int) -> None:
    flows, balance = [], 0
    for i, change in enumerate(changes):
        change = max(change, -balance)  # a person never goes below zero
        if change:
            balance += change
            flows.append((i, T0 + timedelta(days=i), change))
    held = min(held, balance)
    lots = rules.open_lots(flows)
    assert sum(lot.remaining for lot in lots) == balance
    amount, _last = rules.due_to_expire(lots, held, 1, T0 + timedelta(days=days))
    assert 0 <= amount <= balance - held
    assert sum(p for _at, p in rules.expiry_schedule(lots, held, 1)) == balance - held


async def _community_expiring(world: World, months: int = 1) -> None:
    await Community.update({Community.points_expiry_months: months}).where(
        Community.id == world.community_id)


async def _earn(world: World, user_id: int, amount: int) -> None:
    await service.award(world.community_id, user_id, amount, "award", "wish:1", None, "",
                        unique("k"))


async def _expired(account_id: int) -> list[int]:
    rows = await Transfer.select(Transfer.amount).where(
        (Transfer.debit == account_id) & (Transfer.kind == "expire"))
    return [r["amount"] for r in rows]


async def test_expire_moves_old_points_to_the_sink_once(world: World) -> None:
    person = await world.person()
    other = await world.person()
    await _earn(world, person.user_id, 10)
    await service.donate(person.user_id, other.user_id, 4, person.user_id, "", unique("k"))
    soon = datetime.now(UTC) + timedelta(days=5)
    later = datetime.now(UTC) + timedelta(days=40)
    assert await expiry.expire_due(later, world.community_id) == 0  # never expire (0 months)
    await _community_expiring(world)
    assert await expiry.expire_due(soon, world.community_id) == 0
    assert await expiry.expire_due(later, world.community_id) == 10  # 6 + the 4 received
    assert await expiry.expire_due(later, world.community_id) == 0
    account = await service.person_account(person.user_id)
    assert await _expired(int(account["id"])) == [6]
    assert await service.balance(person.user_id) == service.Balance(0, 0)
    sink = await service.sink_account("expired", world.community_id)
    assert sink["balance"] == 10
    assert await service.check() == []


async def test_held_points_are_never_expired(world: World) -> None:
    person = await world.person()
    await _earn(world, person.user_id, 10)
    await _community_expiring(world)
    later = datetime.now(UTC) + timedelta(days=40)
    h = await holds.hold(person.user_id, 7, "offer:1", later + timedelta(days=1),
                           unique("h"))
    assert await expiry.expire_due(later, world.community_id) == 3
    assert await service.balance(person.user_id) == service.Balance(7, 7)
    await holds.release_hold(int(h["id"]))
    assert await expiry.expire_due(later, world.community_id) == 7
    assert await service.check() == []


async def test_two_processes_at_once_expire_once(world: World) -> None:
    person = await world.person()
    await _earn(world, person.user_id, 9)
    await _earn(world, person.user_id, 4)
    await _community_expiring(world)
    account = await service.person_account(person.user_id)
    later = datetime.now(UTC) + timedelta(days=40)
    await asyncio.gather(*(expiry.expire_account(int(account["id"]), later)
                           for _ in range(6)))
    assert await _expired(int(account["id"])) == [13]
    assert await service.check() == []


async def test_warning_30_days_ahead_is_sent_once_and_shown(client, world: World) -> None:
    person = await world.person()
    await _earn(world, person.user_id, 8)
    await _community_expiring(world)
    moment = datetime.now(UTC) + timedelta(days=10)  # about 20 days before expiry
    await expiry.warn_expiring(moment, world.community_id)
    await expiry.warn_expiring(moment, world.community_id)
    assert await notifications.kinds_sent(person.user_id) == ["points_expiring"]
    day, points = await expiry.next_expiry(person.user_id, datetime.now(UTC))
    assert points == 8
    await login(client, person)
    text = text_of((await client.get("/points", headers=EN)).text)
    assert f"8 points expire on {day}" in text


def _cli_expire() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "marketplace.cli", "ledger", "expire"],
        cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=60,
        check=False)


async def test_expiry_jobs_are_registered_and_cli_runs() -> None:
    assert {"points_expiry", "points_expiry_warning"} <= set(dict(timers.jobs()))
    done = _cli_expire()
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok:")

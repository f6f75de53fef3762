"""A Hypothesis state machine drives the ledger and an in-memory model side by side.

Awards (within a budget), donations, holds, posts, releases, hold expiries, points
expiries (oldest first, never held points), reversals and replayed idempotency keys; after
every step each account's cached balance and held points equal the model's, and at the end
of every run ``check()`` finds no breach.

Run length: LEDGER_STEPS steps in all, in runs of up to STEPS_PER_RUN (100) steps; the
steps are counted and runs repeated until that many ran. Default 10,000 in the "ci"
Hypothesis profile (the default profile), 600 in "dev" for quick local runs.
"""

from __future__ import annotations

import asyncio
import os
from collections import deque
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from marketplace.accounts import service as accounts
from marketplace.community.tables import Community
from marketplace.errors import Conflict, DomainError
from marketplace.ledger import corrections, expiry, holds, rules, service
from marketplace.ledger.tables import Account, Transfer
from marketplace.principal import Principal
from tests.conftest import PASSWORD, unique

_DEFAULT_STEPS = "10000" if os.environ.get("HYPOTHESIS_PROFILE", "ci") == "ci" else "600"
STEPS = int(os.environ.get("LEDGER_STEPS", _DEFAULT_STEPS))
STEPS_PER_RUN = min(100, STEPS)
PEOPLE = 3
BUDGET = 300


@pytest.fixture(scope="session")
async def session_loop() -> asyncio.AbstractEventLoop:
    # The loop the database pool lives on: the machine's sync rules run coroutines on it.
    return asyncio.get_running_loop()


class LedgerMachine(RuleBasedStateMachine):
    loop: ClassVar[asyncio.AbstractEventLoop]
    checks: ClassVar[int] = 0  # invariant checks: once after set-up, then after each step
    setups: ClassVar[int] = 0

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    @initialize()
    def setup(self) -> None:
        LedgerMachine.setups += 1
        self.run(self._setup())

    async def _setup(self) -> None:
        rows = await Community.insert(Community(
            name=unique("Model "), points_expiry_months=1)).returning(Community.id)
        self.community_id = int(rows[0]["id"])
        await service.set_budget(self.community_id, BUDGET)
        self.users: list[int] = []
        for _ in range(PEOPLE):
            self.users.append(await accounts.register(accounts.Registration(
                display_name="m", login=unique("m"), password=PASSWORD,
                community_id=self.community_id)))
        self.person = [int((await service.person_account(u))["id"]) for u in self.users]
        # Reversals are staff corrections by someone outside the model's people (staff
        # never reverse transfers on their own account).
        staff_id = await accounts.register(accounts.Registration(
            display_name="s", login=unique("s"), password=PASSWORD,
            community_id=self.community_id))
        self.staff = Principal(user_id=staff_id, login="s", display_name="s",
                               community_id=self.community_id,
                               staff_community_ids=frozenset({self.community_id}))
        self.issuance = int((await service.issuance_account(self.community_id))["id"])
        self.merchant = int((await service.merchant_account(self.community_id, 1))["id"])
        self.expired = int((await service.sink_account("expired", self.community_id))["id"])
        self.balance = {a: 0 for a in [*self.person, self.issuance, self.merchant,
                                       self.expired]}
        # Unspent lots per person, oldest first: [created_at, points left].
        self.lots: dict[int, deque[list[Any]]] = {a: deque() for a in self.person}
        self.held = {a: 0 for a in self.balance}
        self.holds: dict[int, tuple[int, int, datetime]] = {}  # open: id → account, n, expiry
        self.transfers: dict[int, dict[str, Any]] = {}
        self.reversed: set[int] = set()
        self.keys: dict[str, tuple[tuple[Any, ...], int]] = {}
        self.clock = datetime.now(UTC) + timedelta(days=30)

    def available(self, account: int) -> int:
        return self.balance[account] - self.held[account]

    def flow(self, t: dict[str, Any]) -> None:
        """Apply one transfer to the model: balances, and lots (spent oldest first)."""
        self.balance[t["debit"]] -= t["amount"]
        self.balance[t["credit"]] += t["amount"]
        self.transfers[t["id"]] = t
        if t["credit"] in self.lots:
            self.lots[t["credit"]].append([t["created_at"], t["amount"]])
        if t["debit"] in self.lots:
            self.consume(self.lots[t["debit"]], t["amount"])

    @staticmethod
    def consume(lots: deque[list[Any]], amount: int) -> None:
        while amount > 0:
            taken = min(amount, lots[0][1])
            lots[0][1] -= taken
            amount -= taken
            if lots[0][1] == 0:
                lots.popleft()

    def record(self, t: dict[str, Any], key: str, args: tuple[Any, ...]) -> None:
        self.flow(t)
        self.keys[key] = (args, t["id"])

    @rule(who=st.integers(0, PEOPLE - 1), amount=st.integers(1, 80))
    def award(self, who: int, amount: int) -> None:
        key = unique("k")
        args = ("award", who, amount)
        fits = -(self.balance[self.issuance] - amount) <= BUDGET
        try:
            t = self.run(service.award(self.community_id, self.users[who], amount, "award",
                                       "wish:1", None, "", key))
        except DomainError as exc:
            assert not fits and "budget" in exc.message
            return
        assert fits
        self.record(t, key, args)

    @rule(giver=st.integers(0, PEOPLE - 1), taker=st.integers(0, PEOPLE - 1),
          amount=st.integers(1, 60))
    def donate(self, giver: int, taker: int, amount: int) -> None:
        if giver == taker:
            return
        key = unique("k")
        fits = self.available(self.person[giver]) >= amount
        try:
            t = self.run(service.donate(self.users[giver], self.users[taker], amount, None, "",
                                        key))
        except service.InsufficientPoints:
            assert not fits
            return
        assert fits
        self.record(t, key, ("donate", giver, taker, amount))

    @precondition(lambda self: bool(self.keys))
    @rule(data=st.data(), tamper=st.booleans())
    def replay(self, data: st.DataObject, tamper: bool) -> None:
        key = data.draw(st.sampled_from(sorted(self.keys)))
        args, transfer_id = self.keys[key]
        if args[0] != "award":
            return
        amount = args[2] + 1 if tamper else args[2]
        call = service.award(self.community_id, self.users[args[1]], amount, "award",
                             "wish:1", None, "again", key)
        if tamper:
            with pytest.raises(Conflict):
                self.run(call)
        else:
            assert self.run(call)["id"] == transfer_id

    @rule(who=st.integers(0, PEOPLE - 1), amount=st.integers(1, 50),
          minutes=st.integers(1, 30))
    def hold(self, who: int, amount: int, minutes: int) -> None:
        account = self.person[who]
        fits = self.available(account) >= amount
        expires = self.clock + timedelta(minutes=minutes)
        try:
            h = self.run(holds.hold(self.users[who], amount, "offer:1", expires, unique("h")))
        except service.InsufficientPoints:
            assert not fits
            return
        assert fits
        self.held[account] += amount
        self.holds[h["id"]] = (account, amount, expires)

    @precondition(lambda self: bool(self.holds))
    @rule(data=st.data())
    def post(self, data: st.DataObject) -> None:
        hold_id = data.draw(st.sampled_from(sorted(self.holds)))
        account, amount, _expires = self.holds.pop(hold_id)
        t = self.run(holds.post_hold(hold_id, self.merchant, "redeem", None))
        self.held[account] -= amount
        self.flow(t)

    @precondition(lambda self: bool(self.holds))
    @rule(data=st.data())
    def release(self, data: st.DataObject) -> None:
        hold_id = data.draw(st.sampled_from(sorted(self.holds)))
        account, amount, _expires = self.holds.pop(hold_id)
        self.run(holds.release_hold(hold_id))
        self.held[account] -= amount
        with pytest.raises(Conflict):
            self.run(holds.release_hold(hold_id))

    @rule(minutes=st.integers(1, 40))
    def expire(self, minutes: int) -> None:
        self.clock += timedelta(minutes=minutes)
        self.run(holds.release_expired_holds(self.clock))
        for hold_id, (account, amount, expires) in list(self.holds.items()):
            if expires < self.clock:
                del self.holds[hold_id]
                self.held[account] -= amount

    @precondition(lambda self: bool(self.transfers))
    @rule(data=st.data())
    def reverse(self, data: st.DataObject) -> None:
        transfer_id = data.draw(st.sampled_from(sorted(self.transfers)))
        original = self.transfers[transfer_id]
        try:
            r = self.run(corrections.reverse(self.staff, transfer_id, "model"))
        except Conflict:
            assert transfer_id in self.reversed
            return
        except service.InsufficientPoints:
            assert self.available(original["credit"]) < original["amount"]
            return
        except DomainError:
            assert original["kind"] == "reverse"
            return
        assert transfer_id not in self.reversed and original["kind"] != "reverse"
        self.reversed.add(transfer_id)
        self.flow(r)

    @precondition(lambda self: any(self.lots.values()))
    @rule(data=st.data())
    def expire_points(self, data: st.DataObject) -> None:
        """Expiry at the moment some lot turns one month old: it and every older unheld
        point go to the expired sink; a second run at once expires nothing more."""
        moments = sorted(lot[0] for lots in self.lots.values() for lot in lots)
        moment = rules.add_months(data.draw(st.sampled_from(moments)), 1)
        expected: dict[int, int] = {}
        for account, lots in self.lots.items():
            rest = deque([at, n] for at, n in lots)
            if self.held[account]:
                self.consume(rest, self.held[account])
            expected[account] = sum(n for at, n in rest if rules.add_months(at, 1) <= moment)
        known = max(self.transfers, default=0)
        total = self.run(expiry.expire_due(moment, self.community_id))
        assert total == sum(expected.values())
        assert self.run(expiry.expire_due(moment, self.community_id)) == 0
        posted = self.run(Transfer.select().where(
            (Transfer.kind == "expire") & Transfer.debit.is_in(self.person)
            & (Transfer.id > known)))
        assert {t["debit"]: t["amount"] for t in posted} == {
            a: n for a, n in expected.items() if n}
        for t in posted:
            self.flow(t)

    @invariant()
    def matches_model(self) -> None:
        if not hasattr(self, "balance"):
            return
        LedgerMachine.checks += 1
        rows = self.run(Account.select(Account.id, Account.balance, Account.held).where(
            Account.id.is_in(list(self.balance))))
        assert {r["id"]: r["balance"] for r in rows} == self.balance
        assert {r["id"]: r["held"] for r in rows} == self.held
        assert sum(self.balance.values()) == 0
        assert all(self.available(a) >= 0 for a in self.balance if a != self.issuance)

    def teardown(self) -> None:
        if hasattr(self, "balance"):
            assert self.run(service.check()) == []


def test_ledger_matches_model(session_loop: asyncio.AbstractEventLoop) -> None:
    LedgerMachine.loop = session_loop
    # Hypothesis ends some runs before STEPS_PER_RUN: run again until STEPS steps were taken.
    while (taken := LedgerMachine.checks - LedgerMachine.setups) < STEPS:
        runs = max(1, (STEPS - taken) // STEPS_PER_RUN)
        run_state_machine_as_test(LedgerMachine, settings=settings(
            max_examples=runs, stateful_step_count=STEPS_PER_RUN, deadline=None,
            suppress_health_check=list(HealthCheck)))

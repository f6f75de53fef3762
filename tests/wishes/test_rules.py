"""Every (state, action, role) cell of the wish lifecycle, legal and illegal.

The expected table is written out here independently of marketplace/wishes/rules.py.
"""

from __future__ import annotations

import itertools

import pytest

from marketplace.wishes.rules import (
    TERMINAL,
    Action,
    IllegalTransition,
    Role,
    State,
    allowed_actions,
    transition,
)

S, A, R = State, Action, Role
LEGAL: dict[tuple[State, Action, Role], State] = {
    (S.PENDING, A.APPROVE, R.STAFF): S.OPEN,
    (S.PENDING, A.REJECT, R.STAFF): S.REJECTED,
    (S.PENDING, A.CANCEL, R.OWNER): S.CANCELLED,
    (S.PENDING, A.CANCEL, R.STAFF): S.CANCELLED,
    (S.OPEN, A.CLAIM, R.HELPER): S.CLAIMED,
    (S.OPEN, A.ASSIGN, R.STAFF): S.CLAIMED,
    (S.OPEN, A.ESCALATE, R.STAFF): S.OPEN,
    (S.OPEN, A.CANCEL, R.OWNER): S.CANCELLED,
    (S.OPEN, A.CANCEL, R.STAFF): S.CANCELLED,
    (S.OPEN, A.EXPIRE, R.SYSTEM): S.EXPIRED,
    (S.CLAIMED, A.JOIN, R.HELPER): S.CLAIMED,
    (S.CLAIMED, A.LEAVE, R.CLAIMER): S.CLAIMED,
    (S.CLAIMED, A.DECLINE, R.ASSIGNEE): S.OPEN,
    (S.CLAIMED, A.RELEASE, R.CLAIMER): S.OPEN,
    (S.CLAIMED, A.RELEASE, R.STAFF): S.OPEN,
    (S.CLAIMED, A.LAPSE, R.SYSTEM): S.OPEN,
    (S.CLAIMED, A.FULFIL, R.CLAIMER): S.FULFILLED,
    (S.CLAIMED, A.CANCEL, R.OWNER): S.CANCELLED,
    (S.CLAIMED, A.CANCEL, R.STAFF): S.CANCELLED,
    (S.FULFILLED, A.CONFIRM, R.OWNER): S.CONFIRMED,
    (S.FULFILLED, A.AUTO_CONFIRM, R.SYSTEM): S.CONFIRMED,
    (S.FULFILLED, A.DISPUTE, R.OWNER): S.DISPUTED,
    (S.DISPUTED, A.RESOLVE_CONFIRM, R.STAFF): S.CONFIRMED,
    (S.DISPUTED, A.RESOLVE_REOPEN, R.STAFF): S.OPEN,
}
# On the street's escalation queue (街道兜底): street staff assign or send it back; it
# cannot be escalated again; the community's staff keep every other power.
LEGAL_AT_STREET: dict[tuple[State, Action, Role], State] = {
    **{cell: to for cell, to in LEGAL.items() if cell != (S.OPEN, A.ESCALATE, R.STAFF)},
    (S.OPEN, A.ASSIGN, R.STREET): S.CLAIMED,
    (S.OPEN, A.SEND_BACK, R.STREET): S.OPEN,
}
STATES_WITH_ANY_MOVE = {state for state, _, _ in LEGAL}


@pytest.mark.parametrize(("state", "action", "role", "at_street"),
                         list(itertools.product(State, Action, Role, (False, True))))
def test_every_cell(state: State, action: Action, role: Role, at_street: bool) -> None:
    legal = LEGAL_AT_STREET if at_street else LEGAL
    expected = legal.get((state, action, role))
    if expected is not None:
        assert transition(state, action, {role}, at_street) is expected
        return
    with pytest.raises(IllegalTransition) as info:
        transition(state, action, {role}, at_street)
    # The refusal says whether the wish is in the wrong state or the person lacks the role.
    action_legal_here = any((state, action, r) in legal for r in Role)
    assert info.value.reason == ("role" if action_legal_here else "state")


def test_street_staff_act_only_on_the_streets_queue() -> None:
    # Street staff who are also the community's staff act as staff everywhere.
    with pytest.raises(IllegalTransition):
        transition(S.OPEN, A.ASSIGN, {R.STREET}, at_street=False)
    assert transition(S.OPEN, A.ASSIGN, {R.STREET, R.STAFF}, at_street=False) is S.CLAIMED
    with pytest.raises(IllegalTransition):
        transition(S.OPEN, A.ESCALATE, {R.STAFF, R.STREET}, at_street=True)
    with pytest.raises(IllegalTransition):
        transition(S.OPEN, A.SEND_BACK, {R.STAFF}, at_street=True)


def test_terminal_states_allow_nothing() -> None:
    assert {S.CONFIRMED, S.REJECTED, S.CANCELLED, S.EXPIRED} == TERMINAL
    for state, action, role in itertools.product(TERMINAL, Action, Role):
        with pytest.raises(IllegalTransition):
            transition(state, action, {role})
    assert not (TERMINAL & STATES_WITH_ANY_MOVE)


def test_resident_cannot_claim_own_wish_even_as_helper() -> None:
    with pytest.raises(IllegalTransition):
        transition(S.OPEN, A.CLAIM, {R.OWNER, R.HELPER})
    with pytest.raises(IllegalTransition):
        transition(S.CLAIMED, A.JOIN, {R.OWNER, R.HELPER})


def test_only_an_assigned_helper_may_decline() -> None:
    # A helper who claimed by themselves releases; "decline" answers a staff assignment.
    with pytest.raises(IllegalTransition):
        transition(S.CLAIMED, A.DECLINE, {R.CLAIMER})
    assert transition(S.CLAIMED, A.DECLINE, {R.CLAIMER, R.ASSIGNEE}) is S.OPEN


def test_helper_cannot_confirm_own_work() -> None:
    # e.g. a helper fulfilling a wish posted by staff for themselves, or staff who claimed
    with pytest.raises(IllegalTransition):
        transition(S.FULFILLED, A.CONFIRM, {R.OWNER, R.CLAIMER})
    with pytest.raises(IllegalTransition):
        transition(S.DISPUTED, A.RESOLVE_CONFIRM, {R.STAFF, R.CLAIMER})


def test_allowed_actions_offer_exactly_the_legal_buttons() -> None:
    for (legal, at_street), state, role in itertools.product(
            ((LEGAL, False), (LEGAL_AT_STREET, True)), State, Role):
        expected = {a for (s, a, r) in legal if s is state and r is role}
        assert set(allowed_actions(state, {role}, at_street)) == expected

"""The pure ledger rules, checked over every combination of kinds."""

from __future__ import annotations

import itertools

import pytest

from marketplace.ledger import rules

EXPECTED = {
    ("award", "issuance", "person"), ("activity", "issuance", "person"),
    ("donate", "person", "person"), ("redeem", "person", "merchant"),
    ("settle", "merchant", "settled"), ("expire", "person", "expired"),
    ("adjust", "issuance", "person"), ("adjust", "person", "issuance"),
    ("adjust", "issuance", "merchant"), ("adjust", "merchant", "issuance"),
}


@pytest.mark.parametrize(("kind", "debit", "credit"), list(itertools.product(
    rules.TRANSFER_KINDS, rules.ACCOUNT_KINDS, rules.ACCOUNT_KINDS)))
def test_which_kinds_may_move_between_which_accounts(kind: str, debit: str,
                                                     credit: str) -> None:
    expected = kind == "reverse" or (kind, debit, credit) in EXPECTED
    assert rules.may_move(kind, debit, credit) is expected


def test_unknown_kinds_never_move() -> None:
    assert not rules.may_move("gift", "person", "person")
    assert not rules.may_move("reverse", "person", "nowhere")


@pytest.mark.parametrize("kind", rules.ACCOUNT_KINDS)
def test_only_issuance_goes_negative(kind: str) -> None:
    assert rules.may_go_negative(kind) is (kind == "issuance")


@pytest.mark.parametrize("kind", rules.TRANSFER_KINDS)
def test_everything_but_a_reversal_may_be_reversed(kind: str) -> None:
    assert rules.may_reverse(kind) is (kind != "reverse")


@pytest.mark.parametrize(("balance", "amount", "budget", "ok"), [
    (0, 10, None, True), (-1000000, 1, None, True), (0, 10, 10, True), (0, 11, 10, False),
    (-5, 5, 10, True), (-5, 6, 10, False), (0, 1, 0, False),
])
def test_budget_caps_circulation(balance: int, amount: int, budget: int | None,
                                 ok: bool) -> None:
    assert rules.within_budget(balance, amount, budget) is ok


def test_signed_effect_on_each_side() -> None:
    assert rules.signed(5, 1, debit_id=1, credit_id=2) == -5
    assert rules.signed(5, 2, debit_id=1, credit_id=2) == 5
    assert rules.signed(5, 3, debit_id=1, credit_id=2) == 0


def test_account_keys_are_distinct_per_kind_and_owner() -> None:
    keys = {rules.account_key("person", 1, 7), rules.account_key("person", 2, 7),
            rules.account_key("merchant", 1, merchant_id=7), rules.account_key("issuance", 1),
            rules.account_key("expired", 1), rules.account_key("settled", 1)}
    assert len(keys) == 6

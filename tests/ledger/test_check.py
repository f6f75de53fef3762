"""`ledger check` finds planted breaches; the CLI exits non-zero on them."""

from __future__ import annotations

import os
import subprocess
import sys

from marketplace.ledger import service
from marketplace.ledger.tables import Account
from marketplace.settings import ROOT
from tests.conftest import World, unique


def _cli_check() -> subprocess.CompletedProcess[str]:
    # Same environment: DATABASE_URL / VAR_DIR point the child at this test database.
    return subprocess.run(
        [sys.executable, "-m", "marketplace.cli", "ledger", "check"],
        cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=60,
        check=False,
    )


async def test_check_finds_a_planted_balance_and_cli_fails(world: World) -> None:
    person = await world.person()
    await service.award(world.community_id, person.user_id, 4, "award", "", None, "",
                        unique("k"))
    account = await service.person_account(person.user_id)
    assert await service.check() == []
    ok = _cli_check()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("ok: ")
    await Account.raw("UPDATE ledger_account SET balance = balance + 1 WHERE id = {}",
                      account["id"])
    try:
        breaches = await service.check()
        assert any(f"account {account['id']}" in b and "sum of entries" in b for b in breaches)
        assert any("sum of all balances is 1" in b for b in breaches)
        bad = _cli_check()
        assert bad.returncode == 1
        assert "BREACH" in bad.stdout
    finally:  # the ledger is shared by the whole test run: put it right again
        await Account.raw("UPDATE ledger_account SET balance = balance - 1 WHERE id = {}",
                          account["id"])
    assert await service.check() == []


async def test_check_finds_a_wrong_held_cache(world: World) -> None:
    person = await world.person()
    account = await service.person_account(person.user_id)
    await Account.raw("UPDATE ledger_account SET held = held + 2 WHERE id = {}", account["id"])
    try:
        breaches = await service.check()
        assert any("held 2 != open holds 0" in b for b in breaches)
        assert any("available -2 < 0" in b for b in breaches)
    finally:
        await Account.raw("UPDATE ledger_account SET held = held - 2 WHERE id = {}",
                          account["id"])

"""The ledger's short posting path: the award's two accounts in one read, balance updates
with SQL written once (``change_balance``), and the key's check inside the first balance
update. Same answers as before on SQLite and PostgreSQL: a replay changes nothing, a
refused debit changes nothing, concurrent posts with one key make one transfer."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from marketplace import clock, db
from marketplace.errors import Conflict
from marketplace.ledger import service
from marketplace.ledger.tables import Account, Transfer
from tests.conftest import World, unique
from tests.statements import statements


async def _row(account_id: int) -> dict:
    return await Account.select().where(Account.id == account_id).first()


async def test_change_balance_keeps_each_limit(world: World) -> None:
    person = await world.person()
    await service.award(world.community_id, person.user_id, 10, "award", "", None, "",
                        unique("k"))
    account = await service.person_account(person.user_id)
    assert not await service.change_balance(account["id"], -11, "available")
    assert await service.change_balance(account["id"], -4, "available")
    assert (await _row(account["id"]))["balance"] == 6
    assert await service.change_balance(account["id"], 4)  # as the entries say again
    await service.set_budget(world.community_id, 12)
    issuance = await service.issuance_account(world.community_id)  # at -10 of 12
    assert not await service.change_balance(issuance["id"], -3, "budget")
    assert await service.change_balance(issuance["id"], -2, "budget")
    assert await service.change_balance(issuance["id"], 2)
    assert (await _row(issuance["id"]))["balance"] == -10
    assert await service.check() == []


async def test_change_balance_with_a_used_key_changes_nothing(world: World) -> None:
    person = await world.person()
    key = unique("k")
    await service.award(world.community_id, person.user_id, 3, "award", "", None, "", key)
    account = await service.person_account(person.user_id)
    assert not await service.change_balance(account["id"], 5, key=key)
    assert await service.change_balance(account["id"], 5, key=unique("k"))
    assert (await _row(account["id"]))["balance"] == 8
    assert await service.change_balance(account["id"], -5)  # as the entries say again
    assert await service.check() == []


async def test_award_reads_the_accounts_the_general_reads_find(world: World) -> None:
    person = await world.person()
    first = await service.award(world.community_id, person.user_id, 4, "award", "", None,
                                "", unique("k"))  # creates the accounts on first use
    issuance, mine = await service._award_accounts(world.community_id, person.user_id)
    assert issuance == await service.issuance_account(world.community_id)
    assert mine == await service.person_account(person.user_id)
    assert (first["debit"], first["credit"]) == (issuance["id"], mine["id"])


async def test_a_replay_whose_first_update_is_the_credit_changes_nothing(
        world: World) -> None:
    """The key is checked by whichever balance update runs first (the lower account id):
    here the receiver's, an older account than the giver's."""
    receiver, giver = await world.person(), await world.person()
    await service.award(world.community_id, receiver.user_id, 1, "award", "", None, "",
                        unique("k"))
    await service.award(world.community_id, giver.user_id, 10, "award", "", None, "",
                        unique("k"))
    key = unique("k")
    first = await service.donate(giver.user_id, receiver.user_id, 4, None, "", key)
    again = await service.donate(giver.user_id, receiver.user_id, 4, None, "again", key)
    assert again["id"] == first["id"]
    assert (await service.balance(giver.user_id)).balance == 6
    assert (await service.balance(receiver.user_id)).balance == 5
    with pytest.raises(Conflict, match="different transfer"):
        await service.donate(giver.user_id, receiver.user_id, 5, None, "", key)
    assert await service.check() == []


async def test_concurrent_awards_with_one_key_make_one_transfer(world: World) -> None:
    person = await world.person()
    await service.award(world.community_id, person.user_id, 1, "award", "", None, "",
                        unique("k"))
    key = unique("k")
    results = await asyncio.gather(*(
        service.award(world.community_id, person.user_id, 9, "award", "wish:9", None, "",
                      key) for _ in range(5)), return_exceptions=True)
    ids = {r["id"] for r in results if isinstance(r, dict)}
    assert len(ids) == 1 and len(results) == 5
    assert await Transfer.count().where(Transfer.idempotency_key == key) == 1
    assert (await service.balance(person.user_id)).balance == 10
    assert await service.check() == []


async def test_an_award_between_existing_accounts_is_four_statements(world: World) -> None:
    person = await world.person()
    await service.award(world.community_id, person.user_id, 1, "award", "", None, "",
                        unique("k"))
    with statements() as seen:
        await service.award(world.community_id, person.user_id, 2, "award", "", None, "",
                            unique("k"))
    assert len(seen) == 4  # the accounts, two balance updates, the transfer
    assert (await service.balance(person.user_id)).balance == 3


class _Undone(Exception):
    pass


def _typed(row: dict) -> list[tuple[str, type, object]]:
    return [(k, type(v), v) for k, v in row.items()]


# On PostgreSQL there is one way (not a skipped second one).
@pytest.fixture(params=["loop", "aiosqlite"] if db.is_sqlite() else ["loop"])
def write_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """On SQLite both ways a write transaction runs (db.py): on the loop's thread, or on
    aiosqlite's (another process holding the file)."""
    if request.param == "aiosqlite":
        monkeypatch.setattr(db.DB, "writes_on_loop", False)
    return str(request.param)


async def test_a_transfer_is_the_row_piccolo_wrote(world: World, write_path: str) -> None:
    """The transfer's insert (SQL written once) writes and answers what Piccolo's insert
    wrote and answered, each value's type included; a backdated one keeps its moment."""
    giver, receiver = await world.person(), await world.person()
    await service.award(world.community_id, giver.user_id, 10, "award", "", None, "",
                        unique("k"))
    await service.award(world.community_id, receiver.user_id, 1, "award", "", None, "",
                        unique("k"))
    debit, credit = (await service.person_account(giver.user_id),
                     await service.person_account(receiver.user_id))
    made = await service.transfer(debit["id"], credit["id"], 3, "donate", "user:1",
                                  giver.user_id, "A gift", unique("k"))
    assert _typed(made) == _typed(await Transfer.select().where(
        Transfer.id == made["id"]).first())
    values = {c: made[c] for c in service._TRANSFER_COLUMNS}
    with pytest.raises(_Undone):  # Piccolo's row rolled back: no balance changed for it
        async with db.transaction():
            [piccolo] = await Transfer.insert(Transfer(**{
                **values, "idempotency_key": unique("k")})).returning(*Transfer.all_columns())
            [again] = await Transfer.select().where(Transfer.id == piccolo["id"])
            raise _Undone
    for row in (piccolo, again):
        assert _typed({**row, "id": 0, "idempotency_key": "", "created_at": None}) == _typed(
            {**made, "id": 0, "idempotency_key": "", "created_at": None})
        assert type(row["created_at"]) is type(made["created_at"])
    at = clock.now() - timedelta(days=40)
    token = service.backdate.set(at)
    try:
        old = await service.transfer(debit["id"], credit["id"], 1, "donate", "user:1",
                                     None, "", unique("k"))
    finally:
        service.backdate.reset(token)
    assert clock.aware(old["created_at"]) == at and old["actor"] is None
    assert _typed(old) == _typed(await Transfer.select().where(
        Transfer.id == old["id"]).first())
    assert await service.check() == []

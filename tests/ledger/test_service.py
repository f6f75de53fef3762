"""The ledger service: transfers, idempotency, budgets, holds, reversals, statements."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from marketplace.community.tables import Community
from marketplace.errors import Conflict, DomainError, Forbidden
from marketplace.ledger import corrections, holds, service
from marketplace.ledger.tables import Account, Hold, Transfer
from tests.conftest import World, unique


async def test_award_moves_points_from_issuance_and_caches_balances(world: World) -> None:
    person = await world.person()
    t = await service.award(world.community_id, person.user_id, 30, "award", "wish:1",
                            None, "thanks", unique("k"))
    assert t["amount"] == 30 and t["kind"] == "award"
    assert await service.balance(person.user_id) == service.Balance(30, 0)
    issuance = await service.issuance_account(world.community_id)
    assert issuance["balance"] == -30
    assert await service.check() == []


async def test_same_key_same_content_returns_the_original(world: World) -> None:
    person = await world.person()
    key = unique("k")
    first = await service.award(world.community_id, person.user_id, 5, "award", "wish:2",
                                None, "", key)
    again = await service.award(world.community_id, person.user_id, 5, "award", "wish:2",
                                None, "typed again", key)
    assert again["id"] == first["id"]
    assert await Transfer.count().where(Transfer.idempotency_key == key) == 1
    assert (await service.balance(person.user_id)).balance == 5


async def test_same_key_different_content_is_refused(world: World) -> None:
    person = await world.person()
    key = unique("k")
    await service.award(world.community_id, person.user_id, 5, "award", "wish:3", None, "", key)
    with pytest.raises(Conflict, match="different transfer"):
        await service.award(world.community_id, person.user_id, 6, "award", "wish:3", None,
                            "", key)


async def test_budget_caps_points_in_circulation(world: World) -> None:
    person = await world.person()
    await service.set_budget(world.community_id, 10)
    await service.award(world.community_id, person.user_id, 10, "award", "", None, "",
                        unique("k"))
    with pytest.raises(DomainError, match="budget"):
        await service.award(world.community_id, person.user_id, 1, "award", "", None, "",
                            unique("k"))
    assert (await service.balance(person.user_id)).balance == 10


async def test_spending_more_than_available_is_refused(world: World) -> None:
    a, b = await world.person(), await world.person()
    await service.award(world.community_id, a.user_id, 10, "award", "", None, "", unique("k"))
    with pytest.raises(service.InsufficientPoints):
        await service.donate(a.user_id, b.user_id, 11, a.user_id, "", unique("k"))
    await service.donate(a.user_id, b.user_id, 10, a.user_id, "", unique("k"))
    assert (await service.balance(a.user_id)).balance == 0
    assert (await service.balance(b.user_id)).balance == 10


@pytest.mark.parametrize("amount", [0, -1])
async def test_amount_must_be_positive(world: World, amount: int) -> None:
    person = await world.person()
    with pytest.raises(DomainError, match="above zero"):
        await service.award(world.community_id, person.user_id, amount, "award", "", None, "",
                            unique("k"))


async def test_disallowed_kind_between_accounts_is_refused(world: World) -> None:
    a, b = await world.person(), await world.person()
    await service.award(world.community_id, a.user_id, 5, "award", "", None, "", unique("k"))
    acc_a, acc_b = await service.person_account(a.user_id), await service.person_account(
        b.user_id)
    with pytest.raises(DomainError, match="not allowed"):
        await service.transfer(acc_a["id"], acc_b["id"], 1, "award", "", None, "", unique("k"))


async def test_hold_post_and_release(world: World) -> None:
    person = await world.person()
    await service.award(world.community_id, person.user_id, 20, "award", "", None, "",
                        unique("k"))
    later = datetime.now(UTC) + timedelta(minutes=5)
    h1 = await holds.hold(person.user_id, 8, "offer:1", later, unique("h"))
    assert await service.balance(person.user_id) == service.Balance(20, 8)
    with pytest.raises(service.InsufficientPoints):
        await holds.hold(person.user_id, 13, "offer:2", later, unique("h"))
    merchant = await service.merchant_account(world.community_id, 99)
    t = await holds.post_hold(h1["id"], merchant["id"], "redeem", None)
    assert t["amount"] == 8 and t["kind"] == "redeem"
    assert await service.balance(person.user_id) == service.Balance(12, 0)
    with pytest.raises(Conflict):
        await holds.post_hold(h1["id"], merchant["id"], "redeem", None)
    h2 = await holds.hold(person.user_id, 2, "offer:3", later, unique("h"))
    await holds.release_hold(h2["id"])
    assert await service.balance(person.user_id) == service.Balance(12, 0)
    assert await service.check() == []


async def test_hold_with_same_key_is_one_hold(world: World) -> None:
    person = await world.person()
    await service.award(world.community_id, person.user_id, 5, "award", "", None, "",
                        unique("k"))
    key, later = unique("h"), datetime.now(UTC) + timedelta(minutes=5)
    first = await holds.hold(person.user_id, 3, "offer:1", later, key)
    again = await holds.hold(person.user_id, 3, "offer:1", later, key)
    assert first["id"] == again["id"]
    assert (await service.balance(person.user_id)).held == 3


async def test_expired_holds_are_released_by_the_timer(world: World) -> None:
    person = await world.person()
    await service.award(world.community_id, person.user_id, 5, "award", "", None, "",
                        unique("k"))
    soon = datetime.now(UTC) + timedelta(minutes=1)
    h = await holds.hold(person.user_id, 5, "offer:1", soon, unique("h"))
    assert await holds.release_expired_holds(datetime.now(UTC)) == 0
    assert await holds.release_expired_holds(soon + timedelta(seconds=1)) >= 1
    row = await Hold.select().where(Hold.id == h["id"]).first()
    assert row["status"] == "released" and row["closed_at"] is not None
    assert await service.balance(person.user_id) == service.Balance(5, 0)


async def test_reverse_once_only(world: World) -> None:
    person, staff = await world.person(), await world.person(staff=True)
    t = await service.award(world.community_id, person.user_id, 7, "award", "", None, "",
                            unique("k"))
    r = await corrections.reverse(staff, t["id"], "awarded by mistake")
    assert r["reverses"] == t["id"] and r["kind"] == "reverse"
    assert (await service.balance(person.user_id)).balance == 0
    with pytest.raises(Conflict, match="already been reversed"):
        await corrections.reverse(staff, t["id"], "again")
    with pytest.raises(DomainError, match="cannot itself"):
        await corrections.reverse(staff, r["id"], "undo the undo")


async def test_reverse_refused_when_points_were_spent(world: World) -> None:
    a, b = await world.person(), await world.person()
    staff = await world.person(staff=True)
    t = await service.award(world.community_id, a.user_id, 7, "award", "", None, "",
                            unique("k"))
    await service.donate(a.user_id, b.user_id, 5, a.user_id, "", unique("k"))
    with pytest.raises(service.InsufficientPoints):
        await corrections.reverse(staff, t["id"], "too late")
    assert not await Transfer.exists().where(Transfer.reverses == t["id"])


async def test_adjust_needs_a_reason_and_goes_both_ways(world: World) -> None:
    person = await world.person()
    staff = await world.person(staff=True)
    with pytest.raises(DomainError, match="reason"):
        await corrections.adjust(staff, person.user_id, 5, " ", unique("k"))
    await corrections.adjust(staff, person.user_id, 5, "paper record", unique("k"))
    await corrections.adjust(staff, person.user_id, -2, "double counted", unique("k"))
    assert (await service.balance(person.user_id)).balance == 3


async def test_statement_running_balance_and_filters(world: World) -> None:
    a, b = await world.person(), await world.person()
    await service.award(world.community_id, a.user_id, 10, "award", "wish:1", None, "",
                        unique("k"))
    await service.award(world.community_id, a.user_id, 4, "activity", "act:1", None, "",
                        unique("k"))
    await service.donate(a.user_id, b.user_id, 3, a.user_id, "gift", unique("k"))
    lines = await service.statement(a.user_id)
    assert [(x["kind"], x["change"], x["running"]) for x in lines] == [
        ("donate", -3, 11), ("activity", 4, 14), ("award", 10, 10)]
    assert lines[0]["counterparty"] == b.display_name
    only = await service.statement(a.user_id, kind="activity")
    assert [x["running"] for x in only] == [14]
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    assert await service.statement(a.user_id, date_from=tomorrow) == []
    assert len(await service.statement(a.user_id, date_to=tomorrow)) == 3


async def test_failure_inside_a_transfer_leaves_no_partial_rows(world: World,
                                                                monkeypatch) -> None:
    a = await world.person()
    await service.award(world.community_id, a.user_id, 10, "award", "", None, "", unique("k"))
    before_transfers = await Transfer.count()
    before = await Account.select(Account.id, Account.balance).order_by(Account.id)

    async def boom(values: dict) -> dict:
        raise RuntimeError("disk full")

    monkeypatch.setattr(service, "_insert_transfer", boom)
    with pytest.raises(RuntimeError):
        await service.award(world.community_id, a.user_id, 5, "award", "", None, "",
                            unique("k"))
    assert await Transfer.count() == before_transfers
    assert await Account.select(Account.id, Account.balance).order_by(Account.id) == before
    assert (await service.balance(a.user_id)).balance == 10


@pytest.mark.parametrize("which", ["adjust", "reverse"])
async def test_staff_correction_and_its_audit_line_are_one_write(
        which: str, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the audit line cannot be written, the points do not move either."""
    from marketplace.audit import service as audit
    from marketplace.audit.tables import AuditEvent

    person, staff = await world.person(), await world.person(staff=True)
    award = await service.award(world.community_id, person.user_id, 20, "award", "wish:9",
                                None, "", unique("k"))

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(audit, "record_once", broken)
    key = unique("k")
    with pytest.raises(RuntimeError):
        if which == "adjust":
            await corrections.adjust(staff, person.user_id, 5, "Missed activity", key)
        else:
            await corrections.reverse(staff, award["id"], "Posted twice")
    assert (await service.balance(person.user_id)).balance == 20
    assert not await Transfer.exists().where(
        (Transfer.kind == which) & (Transfer.actor == staff.user_id))
    monkeypatch.undo()

    # Once the audit log works again the same request goes through, with its line.
    if which == "adjust":
        moved = await corrections.adjust(staff, person.user_id, 5, "Missed activity", key)
        target = moved["id"]
    else:
        await corrections.reverse(staff, award["id"], "Posted twice")
        target = award["id"]
    assert await AuditEvent.count().where(
        (AuditEvent.target_type == "transfer") & (AuditEvent.target_id == target)) == 1
    assert await service.check() == []


async def test_only_staff_of_the_members_community_adjust_or_reverse(world: World) -> None:
    """The service decides, not the page: staff of another community and residents are
    refused and nothing is written; an administrator may correct any community."""
    person, neighbour = await world.person(), await world.person()
    award = await service.award(world.community_id, person.user_id, 10, "award", "wish:1",
                                None, "", unique("k"))
    rows = await Community.insert(Community(name=unique("Other "))).returning(Community.id)
    elsewhere = World(int(rows[0]["id"]), None, None)  # type: ignore[arg-type]
    outsider = await elsewhere.person(staff=True)
    written = await Transfer.count()
    for actor in (outsider, neighbour):
        with pytest.raises(Forbidden):
            await corrections.adjust(actor, person.user_id, 5, "a gift", unique("k"))
        with pytest.raises(Forbidden):
            await corrections.reverse(actor, award["id"], "undo")
        with pytest.raises(Forbidden):
            await service.member_statement(actor, person.user_id)
    assert await Transfer.count() == written
    assert (await service.balance(person.user_id)).balance == 10
    admin = await elsewhere.person(admin=True)
    await corrections.reverse(admin, award["id"], "wrong person")
    await corrections.adjust(admin, person.user_id, 2, "paper record", unique("k"))
    assert (await service.balance(person.user_id)).balance == 2

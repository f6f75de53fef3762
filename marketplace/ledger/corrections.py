"""Staff corrections of points: adjustments (with four eyes above a community threshold)
and reversals. Each posts through ``service.transfer`` with its audit line in the same
transaction; nobody corrects or approves corrections of their own points."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from marketplace import db
from marketplace.accounts.tables import User
from marketplace.audit import service as audit
from marketplace.community.tables import Community
from marketplace.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.ledger import rules
from marketplace.ledger.service import (
    community_of_user,
    content_hash,
    issuance_account,
    now,
    person_account,
    require_staff,
    transfer,
    transfer_by_key,
)
from marketplace.ledger.tables import Account, PendingAdjustment, Transfer
from marketplace.principal import Principal


def _not_own(actor: Principal, user_id: int | None) -> None:
    """Four eyes on money: nobody changes or approves changes to their own points."""
    if user_id is not None and user_id == actor.user_id:
        raise Forbidden(_("Staff cannot change their own points: ask another staff member."))


async def require_open_account(user_id: int) -> None:
    """A closed account (注销) keeps its statement but takes no more points: what it had
    was given away or returned when it closed, and nobody could spend points added now."""
    row = await User.select(User.is_active).where(User.id == user_id).first()
    if row is not None and not row["is_active"]:
        raise DomainError(_("This account is closed: its points can no longer be changed."))


async def approval_threshold(community_id: int) -> int:
    row = await Community.select(Community.adjust_approval_over).where(
        Community.id == community_id).first()
    return int(row["adjust_approval_over"]) if row else 0


async def adjust(actor: Principal, user_id: int, delta: int, reason: str,
                 key: str) -> dict[str, Any]:
    """A staff correction: positive adds points from issuance, negative returns them.

    Never on the actor's own account. More points than the community's
    ``adjust_approval_over`` become a pending request (``{"pending": True, ...}``) that
    another staff member of the community, or an administrator, approves."""
    community_id = await community_of_user(user_id)
    require_staff(actor, community_id)
    _not_own(actor, user_id)
    await require_open_account(user_id)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Please give the reason for the adjustment."), "reason")
    if delta == 0:
        raise DomainError(_("The adjustment cannot be zero."), "amount")
    if abs(delta) > await approval_threshold(community_id):
        return await _request_adjustment(actor, community_id, user_id, delta, reason, key)
    return await _post_adjustment(actor.user_id, community_id, user_id, delta, reason, key)


async def _post_adjustment(actor_id: int, community_id: int, user_id: int, delta: int,
                           reason: str, key: str) -> dict[str, Any]:
    async with db.transaction():
        person = await person_account(user_id)
        issuance = await issuance_account(community_id)
    debit, credit = (issuance, person) if delta > 0 else (person, issuance)
    return await _audited(
        debit["id"], credit["id"], abs(delta), "adjust", f"user:{user_id}", actor_id,
        reason, key, None, lambda moved: audit.record_once(
            actor_id, community_id, "points_adjusted", "transfer",
            int(moved["id"]), f"{delta:+d} user:{user_id} {reason}"))


async def _request_adjustment(actor: Principal, community_id: int, user_id: int, delta: int,
                              reason: str, key: str) -> dict[str, Any]:
    """File the request once per form key (a double click files one)."""
    values = {"community": community_id, "member": user_id, "amount": delta,
              "reason": reason[:300], "requested_by": actor.user_id, "idempotency_key": key}
    async with db.transaction():
        # DO NOTHING absorbs the twin of a double click on either database.
        rows = await PendingAdjustment.insert(PendingAdjustment(**values)).on_conflict(
            action="DO NOTHING").returning(PendingAdjustment.id)
        if rows:
            await audit.record(actor.user_id, community_id, "adjustment_requested",
                               "user", user_id, f"{delta:+d} {reason}")
    row = await PendingAdjustment.select().where(
        PendingAdjustment.idempotency_key == key).first()
    assert row is not None
    if (row["member"], row["amount"], row["requested_by"]) != (user_id, delta, actor.user_id):
        raise Conflict(_("This request key was already used for a different transfer."))
    return {**row, "pending": True}


async def pending_adjustments(actor: Principal, user_id: int) -> list[dict[str, Any]]:
    """The member's adjustments waiting for approval, for staff of their community."""
    require_staff(actor, await community_of_user(user_id))
    return await PendingAdjustment.select(
        PendingAdjustment.all_columns(), PendingAdjustment.requested_by.display_name,
    ).where((PendingAdjustment.member == user_id)
            & (PendingAdjustment.status == "pending")).order_by(PendingAdjustment.id)


async def _decidable(actor: Principal, pending_id: int) -> dict[str, Any]:
    row = await PendingAdjustment.select().where(PendingAdjustment.id == pending_id).first()
    if row is None:
        raise NotFound(_("No such adjustment request."))
    require_staff(actor, int(row["community"]))
    _not_own(actor, int(row["member"]))
    return row


async def _decide(pending_id: int, status: str, actor_id: int) -> bool:
    """Pending → ``status``, by exactly one of simultaneous deciders."""
    moved = await PendingAdjustment.update({
        PendingAdjustment.status: status, PendingAdjustment.decided_by: actor_id,
        PendingAdjustment.decided_at: now(),
    }).where((PendingAdjustment.id == pending_id)
             & (PendingAdjustment.status == "pending")).returning(PendingAdjustment.id)
    return bool(moved)


async def approve_adjustment(actor: Principal, pending_id: int) -> dict[str, Any]:
    """A second staff member (or an administrator) approves: the transfer and its audit
    line are posted in the same transaction that marks the request approved."""
    row = await _decidable(actor, pending_id)
    if int(row["requested_by"]) == actor.user_id:
        raise Forbidden(_("Another staff member must approve your own request."))
    community_id, user_id, delta = int(row["community"]), int(row["member"]), row["amount"]
    async with db.transaction():
        person = await person_account(user_id)
        issuance = await issuance_account(community_id)
        if not await _decide(pending_id, "approved", actor.user_id):
            raise Conflict(_("This adjustment request was already decided."))
        debit, credit = (issuance, person) if delta > 0 else (person, issuance)
        moved = await transfer(debit["id"], credit["id"], abs(delta), "adjust",
                               f"user:{user_id}", int(row["requested_by"]), row["reason"],
                               f"adjust-approved:{pending_id}")
        await PendingAdjustment.update({PendingAdjustment.transfer_id: moved["id"]}).where(
            PendingAdjustment.id == pending_id)
        await audit.record(actor.user_id, community_id, "adjustment_approved", "transfer",
                           int(moved["id"]),
                           f"{delta:+d} user:{user_id} {row['reason']} "
                           f"(requested by user:{row['requested_by']})")
    return moved


async def decline_adjustment(actor: Principal, pending_id: int) -> None:
    """Another staff member declines, or the requester withdraws."""
    row = await _decidable(actor, pending_id)
    async with db.transaction():
        if not await _decide(pending_id, "declined", actor.user_id):
            raise Conflict(_("This adjustment request was already decided."))
        await audit.record(actor.user_id, int(row["community"]), "adjustment_declined",
                           "user", int(row["member"]), f"{row['amount']:+d} {row['reason']}")


async def reverse(actor: Principal, transfer_id: int, memo: str) -> dict[str, Any]:
    """Undo a transfer by moving its amount back; each transfer is reversed at most once.

    Staff of the transfer's community (both its accounts are in it) may; the reason is
    kept as the reversal's memo."""
    original = await Transfer.select().where(Transfer.id == transfer_id).first()
    if original is None:
        raise NotFound(_("No such transfer."))
    account = await Account.select(Account.community).where(
        Account.id == original["debit"]).first()
    community_id = int(account["community"]) if account else None
    require_staff(actor, community_id)
    owners = await Account.select(Account.owner).where(
        Account.id.is_in([original["debit"], original["credit"]]))
    for owner in owners:
        _not_own(actor, owner["owner"])
        if owner["owner"] is not None:
            await require_open_account(int(owner["owner"]))
    memo = memo.strip()
    if not memo:
        raise DomainError(_("Please give the reason for the reversal."), "reason")
    if not rules.may_reverse(original["kind"]):
        raise DomainError(_("A reversal cannot itself be reversed."))
    if await Transfer.exists().where(Transfer.reverses == transfer_id):
        raise Conflict(_("This transfer has already been reversed."))
    try:
        return await _audited(
            original["credit"], original["debit"], original["amount"], "reverse",
            f"transfer:{transfer_id}", actor.user_id, memo, f"reverse:{transfer_id}",
            transfer_id, lambda _moved: audit.record_once(
                actor.user_id, community_id, "transfer_reversed", "transfer", transfer_id,
                memo))
    except db.DUPLICATE_ERRORS:
        raise Conflict(_("This transfer has already been reversed.")) from None


async def _audited(debit_id: int, credit_id: int, amount: int, kind: str, reference: str,
                   actor_id: int | None, memo: str, key: str, reverses: int | None,
                   write_audit: Callable[[dict[str, Any]], Awaitable[None]]
                   ) -> dict[str, Any]:
    """A staff transfer and its audit line in one transaction: neither without the other.

    A concurrent twin with the same key (PostgreSQL) rolls ours back whole; we answer
    with the winner's transfer, whose audit line its own transaction wrote.
    """
    try:
        async with db.transaction():
            moved = await transfer(debit_id, credit_id, amount, kind, reference, actor_id,
                                   memo, key, reverses=reverses)
            await write_audit(moved)
            return moved
    except db.DUPLICATE_ERRORS:
        digest = content_hash(debit_id, credit_id, amount, kind, reference, reverses)
        found = await transfer_by_key(key, digest)
        if found is None:
            raise
        return found


async def drop_pending_for(user_id: int, actor_id: int, removed: str) -> int:
    """Closing an account: adjustments still waiting for it are declined (they would pay
    a closed account) and the reasons staff wrote about the person are erased."""
    await PendingAdjustment.update({
        PendingAdjustment.status: "declined", PendingAdjustment.decided_by: actor_id,
        PendingAdjustment.decided_at: now(),
    }).where((PendingAdjustment.member == user_id)
             & (PendingAdjustment.status == "pending"))
    rows = await PendingAdjustment.update({PendingAdjustment.reason: removed}).where(
        PendingAdjustment.member == user_id).returning(PendingAdjustment.id)
    return len(rows)

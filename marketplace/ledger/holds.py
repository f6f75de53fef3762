"""Holds: points set aside (for a redemption code) so they cannot be spent twice, then
either posted as one transfer or released. Part of the ledger service: only the ledger
writes ledger rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from piccolo.columns.combination import WhereRaw

from marketplace import db
from marketplace.errors import Conflict, DomainError, NotFound
from marketplace.i18n import _
from marketplace.ledger.service import (
    DUPLICATE_ERRORS,
    InsufficientPoints,
    now,
    person_account,
    transfer,
)
from marketplace.ledger.tables import Account, Hold


async def hold(user_id: int, amount: int, reference: str, expires_at: datetime,
               key: str) -> dict[str, Any]:
    """Set points aside (e.g. for a redemption code) so they cannot be spent twice."""
    if not isinstance(amount, int) or amount <= 0:
        raise DomainError(_("The number of points must be a whole number above zero."),
                          "amount")
    try:
        async with db.transaction():
            existing = await Hold.select().where(Hold.idempotency_key == key).first()
            if existing is not None:
                return existing
            account = await person_account(user_id)
            moved = await Account.update({Account.held: Account.held + amount}).where(
                Account.id == account["id"], WhereRaw("balance - held >= {}", amount)
            ).returning(Account.id)
            if not moved:
                raise InsufficientPoints(_("Not enough points available for this."))
            rows = await Hold.insert(
                Hold(account=account["id"], amount=amount, reference=reference[:64],
                     expires_at=expires_at, idempotency_key=key)
            ).returning(*Hold.all_columns())
            return rows[0]
    except DUPLICATE_ERRORS:
        existing = await Hold.select().where(Hold.idempotency_key == key).first()
        if existing is None:
            raise
        return existing


async def _close_hold(hold_id: int, status: str) -> dict[str, Any]:
    """Mark an open hold closed and give its points back to ``available``."""
    rows = await Hold.update({Hold.status: status, Hold.closed_at: now()}).where(
        (Hold.id == hold_id) & (Hold.status == "held")
    ).returning(*Hold.all_columns())
    if not rows:
        if not await Hold.exists().where(Hold.id == hold_id):
            raise NotFound(_("No such hold."))
        raise Conflict(_("These points are no longer held."))
    row = rows[0]
    await Account.update({Account.held: Account.held - row["amount"]}).where(
        Account.id == row["account"]
    )
    return row


async def post_hold(hold_id: int, to_account_id: int, kind: str, actor_id: int | None,
                    memo: str = "") -> dict[str, Any]:
    """Spend held points: the hold closes and one transfer moves them (e.g. redeem)."""
    async with db.transaction():
        row = await _close_hold(hold_id, "posted")
        return await transfer(row["account"], to_account_id, row["amount"], kind,
                              row["reference"] or f"hold:{hold_id}", actor_id, memo,
                              f"hold:{hold_id}:post")


async def release_hold(hold_id: int) -> dict[str, Any]:
    async with db.transaction():
        return await _close_hold(hold_id, "released")


async def release_expired_holds(moment: datetime) -> int:
    """Timer job: holds past their expiry give their points back. Safe to run twice."""
    due = await Hold.select(Hold.id).where(
        (Hold.status == "held") & (Hold.expires_at < moment)
    )
    released = 0
    for row in due:
        try:
            await release_hold(int(row["id"]))
        except Conflict:
            continue  # posted or released meanwhile by someone else
        released += 1
    return released

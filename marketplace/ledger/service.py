"""The points ledger: the only code that writes ledger rows. Plain async functions.

Race safety: every write runs inside ``db.transaction()`` (IMMEDIATE on SQLite). Debits
are conditional UPDATEs (``… WHERE balance - held >= :n``), so no account other than
issuance goes below zero on SQLite or PostgreSQL; the two accounts of a transfer are
updated in id order so concurrent transfers cannot deadlock. Transfers are append-only.
"""

from __future__ import annotations

import hashlib
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marketplace import clock, db, quickread, redact
from marketplace.accounts.tables import User
from marketplace.audit import service as audit
from marketplace.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.ledger import posting, rules
from marketplace.ledger.checking import check, counts  # noqa: F401  (re-exported)
from marketplace.ledger.posting import (  # noqa: F401  (re-exported)
    InsufficientPoints,
    change_balance,
)
from marketplace.ledger.tables import Account, Transfer
from marketplace.principal import Principal

DUPLICATE_ERRORS = db.DUPLICATE_ERRORS

# Demo history only (reports/demo.py): transfers posted while set carry this time.
backdate: ContextVar[datetime | None] = ContextVar("ledger_backdate", default=None)


def now() -> datetime:
    return clock.now()


# --- accounts -------------------------------------------------------------------------


async def _account(kind: str, community_id: int, owner_id: int | None = None,
                   merchant_id: int | None = None) -> dict[str, Any]:
    """The account, created on first use; concurrent creators end up with the same row."""
    key = rules.account_key(kind, community_id, owner_id, merchant_id)
    row = await Account.select().where(Account.key == key).first()
    if row is not None:
        return row
    await Account.insert(
        Account(kind=kind, community=community_id, owner=owner_id, merchant_id=merchant_id,
                key=key)
    ).on_conflict(action="DO NOTHING")
    row = await Account.select().where(Account.key == key).first()
    assert row is not None
    return row


async def existing_person_account(user_id: int) -> dict[str, Any] | None:
    """The person's account if they ever had one; reading never creates it (a refused or
    read-only request writes nothing)."""
    # A person never changes community, so their one person account is found by owner:
    # one query on the page views and transfers that ask for it.
    return await Account.select().where(
        (Account.owner == user_id) & (Account.kind == rules.PERSON)).first()


async def person_account(user_id: int) -> dict[str, Any]:
    """The person's account, created on first use: for writers."""
    row = await existing_person_account(user_id)
    if row is not None:
        return row
    user = await User.select(User.community).where(User.id == user_id).first()
    if user is None:
        raise NotFound(_("No such person."))
    return await _account(rules.PERSON, int(user["community"]), owner_id=user_id)


async def issuance_account(community_id: int) -> dict[str, Any]:
    return await _account(rules.ISSUANCE, community_id)


async def sink_account(kind: str, community_id: int) -> dict[str, Any]:
    if kind not in (rules.EXPIRED, rules.SETTLED):
        raise DomainError(_("Unknown kind of account."))
    return await _account(kind, community_id)


async def merchant_account(community_id: int, merchant_id: int) -> dict[str, Any]:
    return await _account(rules.MERCHANT, community_id, merchant_id=merchant_id)


async def lock_account(account_id: int) -> None:
    """Inside a transaction: keep other writers off this account until it ends.

    For read-decide-write steps (monthly gift limits, expiry) that a conditional UPDATE
    cannot express. SQLite's IMMEDIATE transactions already serialise every writer.
    """
    await db.lock_row(Account, account_id)


async def set_budget(community_id: int, budget: int | None, *,
                     actor_id: int | None = None) -> None:
    if budget is not None and budget < 0:
        raise DomainError(_("The budget cannot be negative."), "budget")
    async with db.transaction():
        account = await issuance_account(community_id)
        await Account.update({Account.budget: budget}).where(Account.id == account["id"])
        await audit.record(actor_id, community_id, "budget_set", "community", community_id,
                           f"{account['budget']} -> {budget}")


# --- transfers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    balance: int
    held: int

    @property
    def available(self) -> int:
        return self.balance - self.held


def content_hash(debit_id: int, credit_id: int, amount: int, kind: str, reference: str,
                 reverses: int | None = None) -> str:
    # Actor and memo are left out: a retry typed again by a person may word the memo anew.
    text = f"{debit_id}|{credit_id}|{amount}|{kind}|{reference}|{reverses or ''}"
    return hashlib.sha256(text.encode()).hexdigest()


def _replayed(existing: dict[str, Any], digest: str) -> dict[str, Any]:
    if existing["content_hash"] != digest:
        raise Conflict(_("This request key was already used for a different transfer."))
    return existing


# Every transfer writes one: its SQL written once (Piccolo took longer to build the insert
# than SQLite to run it). The row comes back as ``Transfer.select()`` reads it.
_TRANSFER_COLUMNS = ("debit", "credit", "amount", "kind", "reference", "actor", "memo",
                     "idempotency_key", "content_hash", "reverses", "community", "created_at")
_INSERT_TRANSFER = """INSERT INTO ledger_transfer (debit, credit, amount, kind, reference,
actor, memo, idempotency_key, content_hash, reverses, community, created_at)
VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}) RETURNING *"""


async def _insert_transfer(values: dict[str, Any]) -> dict[str, Any]:
    """The transfer row (``values``: every column but ``created_at`` and ``id``)."""
    values = {**values, "created_at": backdate.get() or now()}
    rows = await quickread.run(_INSERT_TRANSFER, *(values[c] for c in _TRANSFER_COLUMNS))
    return rows[0]


async def _post(debit: dict[str, Any], credit: dict[str, Any], amount: int, kind: str,
                reference: str, actor_id: int | None, memo: str, key: str, digest: str,
                reverses: int | None) -> dict[str, Any]:
    # Fixed order (by id) so two transfers between the same accounts never deadlock; the
    # first update also finds a replayed key (and then nothing has changed).
    steps = sorted([(debit["id"], posting.debit, debit),
                    (credit["id"], posting.credit, credit)],
                   key=lambda s: s[0])
    try:
        for n, (_id, step, account) in enumerate(steps):
            await step(account, amount, key if n == 0 else None)
    except posting.KeyUsed:
        found = await transfer_by_key(key, digest)
        assert found is not None  # keys are never deleted
        return found
    return await _insert_transfer({
        "debit": debit["id"], "credit": credit["id"], "amount": amount, "kind": kind,
        "reference": reference[:64], "actor": actor_id, "memo": memo[:300],
        "idempotency_key": key, "content_hash": digest, "reverses": reverses,
        "community": debit["community"],
    })


async def transfer_by_key(key: str, digest: str) -> dict[str, Any] | None:
    existing = await Transfer.select().where(Transfer.idempotency_key == key).first()
    return _replayed(existing, digest) if existing is not None else None


async def transfer(debit_id: int, credit_id: int, amount: int, kind: str, reference: str,
                   actor_id: int | None, memo: str, key: str, *,
                   reverses: int | None = None,
                   known: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Move ``amount`` points; the same ``key`` again returns the first transfer.
    ``known``: both accounts' rows when the caller has just read them.

    Called inside another transaction it joins it (on PostgreSQL a duplicate key then
    aborts the caller's transaction too; callers there use fresh keys).
    """
    if not isinstance(amount, int) or amount <= 0:
        raise DomainError(_("The number of points must be a whole number above zero."),
                          "amount")
    if not key or len(key) > 128:
        raise DomainError(_("Every transfer needs a request key (up to 128 characters)."))
    if debit_id == credit_id:
        raise DomainError(_("Points cannot be moved from an account to itself."))
    digest = content_hash(debit_id, credit_id, amount, kind, reference, reverses)
    try:
        async with db.transaction():
            # Kind and community of an account never change: rows read earlier will do.
            accounts = known or await Account.select().where(
                Account.id.is_in([debit_id, credit_id]))
            by_id = {a["id"]: a for a in accounts}
            if debit_id not in by_id or credit_id not in by_id:
                raise NotFound(_("No such points account."))
            debit, credit = by_id[debit_id], by_id[credit_id]
            if not rules.may_move(kind, debit["kind"], credit["kind"]):
                raise DomainError(_("This kind of transfer is not allowed between these "
                                    "accounts."))
            if debit["community"] != credit["community"]:
                raise DomainError(_("Points stay inside their community."))
            return await _post(debit, credit, amount, kind, reference, actor_id, memo, key,
                               digest, reverses)
    except DUPLICATE_ERRORS:
        if db.in_transaction():
            # On PostgreSQL the caller's transaction is aborted: it must roll back whole
            # and answer from the winner (see ``_audited``).
            raise
        # A concurrent request with the same key won the unique index (PostgreSQL); ours
        # rolled back whole, so answer with the winner's transfer.
        found = await transfer_by_key(key, digest)
        if found is None:
            if reverses is not None:
                raise Conflict(_("This transfer has already been reversed.")) from None
            raise
        return found


async def award(community_id: int, user_id: int, amount: int, kind: str, reference: str,
                actor_id: int | None, memo: str, key: str) -> dict[str, Any]:
    """Points from the community's issuance to a person (wish confirmed, activity, …)."""
    async with db.transaction():
        issuance, person = await _award_accounts(community_id, user_id)
    return await transfer(issuance["id"], person["id"], amount, kind, reference, actor_id,
                          memo, key, known=[issuance, person])


_AWARD_ACCOUNTS = ("SELECT * FROM ledger_account WHERE key = {} OR (owner = {} AND kind = {})"
                   " ORDER BY id")


async def _award_accounts(community_id: int, user_id: int
                          ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The community's issuance account and the person's, in one read once both exist."""
    issuance_key = rules.account_key(rules.ISSUANCE, community_id)
    rows = await quickread.run(_AWARD_ACCOUNTS, issuance_key, user_id, rules.PERSON)
    issuance = next((r for r in rows if r["key"] == issuance_key), None)
    person = next((r for r in rows if r["kind"] == rules.PERSON), None)
    if issuance is None or person is None:  # first use: created here
        return await issuance_account(community_id), await person_account(user_id)
    return issuance, person


async def donate(from_user: int, to_user: int, amount: int, actor_id: int | None, memo: str,
                 key: str) -> dict[str, Any]:
    async with db.transaction():
        giver = await person_account(from_user)
        receiver = await person_account(to_user)
    return await transfer(giver["id"], receiver["id"], amount, "donate", f"user:{to_user}",
                          actor_id, memo, key)


# --- reading --------------------------------------------------------------------------


async def balance(user_id: int) -> Balance:
    """Constant time: the cached columns of one account row."""
    account = await existing_person_account(user_id)
    if account is None:
        await community_of_user(user_id)  # NotFound for nobody; no account is no points
        return Balance(balance=0, held=0)
    return Balance(balance=int(account["balance"]), held=int(account["held"]))


# A statement line: the transfer, who made it, and both sides (for the counterparty).
LINE_COLUMNS = (Transfer.all_columns(), Transfer.actor.display_name, Transfer.debit.kind,
                Transfer.credit.kind, Transfer.debit.owner.display_name,
                Transfer.credit.owner.display_name)


def as_line(row: dict[str, Any], account_id: int, running: int, reversed_: bool) -> None:
    """Complete a row of ``LINE_COLUMNS`` as a line of the account's statement, with the
    account's balance right after it."""
    change = rules.signed(row["amount"], account_id, row["debit"], row["credit"])
    row["reversed"] = reversed_
    row["change"] = change
    row["running"] = running
    row["counterparty"] = (row["debit.owner.display_name"] if change > 0
                           else row["credit.owner.display_name"]) or ""
    row["counterparty_kind"] = row["debit.kind"] if change > 0 else row["credit.kind"]


async def statement(user_id: int, kind: str | None = None, date_from: datetime | None = None,
                    date_to: datetime | None = None) -> list[dict[str, Any]]:
    """Every transfer of the person's account, newest first, with the running balance.

    The running balance is the account's balance right after each transfer, so it is
    computed over all transfers and the filters only choose which lines are shown.
    """
    account = await existing_person_account(user_id)
    if account is None:
        await community_of_user(user_id)  # NotFound for nobody; no account, no lines
        return []
    account_id = int(account["id"])
    rows = await Transfer.select(*LINE_COLUMNS).where(
        (Transfer.debit == account_id) | (Transfer.credit == account_id)).order_by(Transfer.id)
    running = 0
    lines: list[dict[str, Any]] = []
    # A reversal moves points between the same two accounts, so it is among these rows.
    reversed_ids = {row["reverses"] for row in rows if row["reverses"] is not None}
    for row in rows:
        change = rules.signed(row["amount"], account_id, row["debit"], row["credit"])
        running += change
        as_line(row, account_id, running, row["id"] in reversed_ids)
        if kind and row["kind"] != kind:
            continue
        if date_from and row["created_at"] < date_from:
            continue
        if date_to and row["created_at"] >= date_to:
            continue
        lines.append(row)
    lines.reverse()
    return lines


def require_staff(actor: Principal, community_id: int | None) -> None:
    """Staff see and correct points only in their own communities; administrators
    anywhere."""
    if community_id is None or not actor.can_staff(community_id):
        raise Forbidden(_("This page is for staff of that community."))


async def member_statement(actor: Principal, user_id: int, kind: str | None = None,
                           date_from: datetime | None = None,
                           date_to: datetime | None = None) -> list[dict[str, Any]]:
    """A member's statement for staff of the member's community (administrators: any)."""
    require_staff(actor, await community_of_user(user_id))
    return await statement(user_id, kind, date_from, date_to)


async def community_of_user(user_id: int) -> int:
    row = await User.select(User.community).where(User.id == user_id).first()
    if row is None:
        raise NotFound(_("No such person."))
    return int(row["community"])


# --- closing an account (mydata.closure) ----------------------------------------------


async def settle_closed_account(user_id: int, to_user: int | None, actor_id: int,
                                memo: str) -> dict[str, Any] | None:
    """The points a closing account still has: a gift to ``to_user`` (a resident in need
    the person chose), else back to the community's issuance account, from which they may
    be awarded again. One transfer; None when nothing is left. Held points are released
    first by the caller (its codes are cancelled)."""
    account = await existing_person_account(user_id)
    if account is None or account["balance"] - account["held"] <= 0:
        return None
    amount = int(account["balance"] - account["held"])
    if to_user is not None:
        return await donate(user_id, to_user, amount, actor_id, memo, f"closed:{user_id}")
    issuance = await issuance_account(int(account["community"]))
    return await transfer(int(account["id"]), int(issuance["id"]), amount, "adjust",
                          f"user:{user_id}", actor_id, memo, f"closed:{user_id}")


async def erase_memos(user_id: int, references: list[str], removed: str) -> int:
    """PIPL erasure, the one change a transfer ever takes: the free-text memo of the
    transfers on the person's account (gift notes, their wishes' titles) and of those
    referring to their wishes (``references``, e.g. "wish:12"). Accounts, amounts, kinds
    and references stay, so every balance and report is unchanged; the memo is not part
    of the content hash. Returns how many memos were erased."""
    account = await existing_person_account(user_id)
    condition = Transfer.reference.is_in(references or ["-"])
    if account is not None:
        condition |= (Transfer.debit == account["id"]) | (Transfer.credit == account["id"])
    rows = await Transfer.update({Transfer.memo: removed}).where(
        condition & (Transfer.memo != "") & (Transfer.memo != removed)
    ).returning(Transfer.id)
    return len(rows)


async def scrub_memos(community_id: int, replacements: dict[str, str]) -> int:
    """Closing an account: words naming the person (``replacements``) in the memos others
    wrote on the community's transfers (an adjustment's reason, a gift's note). Memos
    only, as in ``erase_memos``. Returns how many changed."""
    changed = 0
    for pattern in redact.like_patterns(replacements):
        rows = await Transfer.select(Transfer.id, Transfer.memo).where(
            (Transfer.community == community_id) & Transfer.memo.like(pattern))
        for row in rows:
            await Transfer.update({Transfer.memo: redact.text(row["memo"], replacements)}
                                  ).where(Transfer.id == row["id"])
            changed += 1
    return changed

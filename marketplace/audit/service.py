"""Writing and reading the audit log.

The table is ``accounts.tables.AuditEvent`` (it predates this module); every writer goes
through ``record`` so the columns are filled the same way everywhere. Call it inside the
caller's transaction, so the action and its audit line commit or roll back together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marketplace import db
from marketplace.accounts.tables import AuditEvent

PAGE_SIZE = 50


async def record(actor_id: int | None, community_id: int | None, action: str,
                 target_type: str = "", target_id: int = 0, detail: str = "") -> None:
    await AuditEvent.insert(AuditEvent(
        actor=actor_id, community=community_id, action=action[:64],
        target_type=target_type[:32], target_id=target_id, detail=detail[:2000]))


async def record_once(actor_id: int | None, community_id: int | None, action: str,
                      target_type: str, target_id: int, detail: str = "") -> None:
    """For callers whose action may be a replay (idempotent ledger posts): one line only."""
    async with db.transaction():
        if await AuditEvent.exists().where(
            (AuditEvent.action == action) & (AuditEvent.target_type == target_type)
            & (AuditEvent.target_id == target_id)
        ):
            return
        await record(actor_id, community_id, action, target_type, target_id, detail)


@dataclass(frozen=True)
class AuditFilter:
    community_ids: frozenset[int] | None  # None: every community (administrators)
    action: str = ""
    actor: str = ""  # part of the actor's login or name
    start: datetime | None = None
    end: datetime | None = None  # exclusive
    before: int | None = None  # keyset: older than this id


async def entries(f: AuditFilter) -> tuple[list[dict[str, Any]], int | None]:
    """Newest first, one page; returns the rows and the cursor for the next page."""
    query = AuditEvent.select(
        AuditEvent.all_columns(), AuditEvent.actor.display_name, AuditEvent.actor.login,
        AuditEvent.community.name,
    )
    if f.community_ids is not None:
        query = query.where(AuditEvent.community.is_in(list(f.community_ids) or [-1]))
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    if f.actor.strip():
        like = "%" + f.actor.strip().replace("%", "").replace("_", "") + "%"
        # SQLite's LIKE is already case-insensitive for ASCII and has no ILIKE.
        op = "like" if db.is_sqlite() else "ilike"
        query = query.where(getattr(AuditEvent.actor.login, op)(like)
                            | getattr(AuditEvent.actor.display_name, op)(like))
    if f.start is not None:
        query = query.where(AuditEvent.at >= f.start)
    if f.end is not None:
        query = query.where(AuditEvent.at < f.end)
    if f.before:
        query = query.where(AuditEvent.id < f.before)
    rows = await query.order_by(AuditEvent.id, ascending=False).limit(PAGE_SIZE + 1)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, (rows[-1]["id"] if more and rows else None)


async def actions() -> list[str]:
    rows = await AuditEvent.select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    return [r["action"] for r in rows]

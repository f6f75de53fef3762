"""Writing and reading the audit log.

Every writer goes through ``record`` so the columns are filled the same way everywhere.
Call it inside the caller's transaction, so the action and its audit line commit or roll
back together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from marketplace import db, paging, redact
from marketplace.audit.tables import AuditEvent
from marketplace.errors import Forbidden
from marketplace.i18n import _
from marketplace.principal import Principal

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
    action: str = ""
    actor_name: str = ""  # part of the actor's login or name
    start: datetime | None = None
    end: datetime | None = None  # exclusive
    before: int | None = None  # keyset: older than this id


def _readable_by(actor: Principal) -> frozenset[int] | None:
    """The communities whose lines ``actor`` may read; None: all (administrators)."""
    if not actor.is_staff:
        raise Forbidden(_("This page is for community staff."))
    return None if actor.is_admin else actor.staff_community_ids


async def entries(actor: Principal, f: AuditFilter) -> paging.Page:
    """Newest first, one page of the lines ``actor`` may read, with the next cursor."""
    communities = _readable_by(actor)
    query = AuditEvent.select(
        AuditEvent.all_columns(), AuditEvent.actor.display_name, AuditEvent.actor.login,
        AuditEvent.community.name,
    )
    if communities is not None:
        query = query.where(AuditEvent.community.is_in(list(communities) or [-1]))
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    if f.actor_name.strip():
        like = "%" + f.actor_name.strip().replace("%", "").replace("_", "") + "%"
        # SQLite's LIKE is already case-insensitive for ASCII and has no ILIKE.
        op = "like" if db.is_sqlite() else "ilike"
        query = query.where(getattr(AuditEvent.actor.login, op)(like)
                            | getattr(AuditEvent.actor.display_name, op)(like))
    if f.start is not None:
        query = query.where(AuditEvent.at >= f.start)
    if f.end is not None:
        query = query.where(AuditEvent.at < f.end)
    return await paging.newest_first(query, AuditEvent.id, f.before, PAGE_SIZE)


async def actions(actor: Principal) -> list[str]:
    """The action codes in the log, for the page's filter."""
    _readable_by(actor)
    rows = await AuditEvent.select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    return [r["action"] for r in rows]


async def erase_person(user_id: int, wish_ids: list[int],
                       replacements: Mapping[str, str]) -> None:
    """Closing an account: who did what and when stays (the log must), the details about
    the person go — the lines about them and their wishes (reasons, notes), their own
    sign-ins' network address — and their texts are replaced in every other line."""
    about = ((AuditEvent.target_type == "user") & (AuditEvent.target_id == user_id)) | (
        (AuditEvent.actor == user_id) & (AuditEvent.action == "staff_login"))
    if wish_ids:
        about |= (AuditEvent.target_type == "wish") & AuditEvent.target_id.is_in(wish_ids)
    await AuditEvent.update({AuditEvent.detail: ""}).where(about & (AuditEvent.detail != ""))
    patterns = redact.like_patterns(replacements)
    if not patterns:
        return
    condition = AuditEvent.detail.like(patterns[0])
    for pattern in patterns[1:]:
        condition |= AuditEvent.detail.like(pattern)
    for row in await AuditEvent.select(AuditEvent.id, AuditEvent.detail).where(condition):
        detail = redact.text(row["detail"], replacements)
        if detail != row["detail"]:
            await AuditEvent.update({AuditEvent.detail: detail}).where(
                AuditEvent.id == row["id"])

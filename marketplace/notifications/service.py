"""Send, count, list and mark notifications. Senders call ``send`` inside their own
transaction, so a notification exists exactly when the change it reports was committed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from marketplace import paging, quickread, redact
from marketplace.notifications.messages import MESSAGES, render
from marketplace.notifications.tables import Notification
from marketplace.principal import Principal

PAGE_SIZE = 30


@dataclass(frozen=True)
class Shown:
    id: int
    text: str
    link: str
    created_at: datetime
    unread: bool


# Nearly every write sends one: its SQL written once (Piccolo took longer to build the
# insert than SQLite to run it).
_SEND = ('INSERT INTO notification ("user", kind, link, dedupe_key, params, created_at) '
         "VALUES ({}, {}, {}, {}, {}, {})")
_SEND_ONCE = _SEND + " ON CONFLICT (dedupe_key) DO NOTHING"


async def send(user_id: int, kind: str, link: str = "", dedupe_key: str | None = None,
               **params: Any) -> None:
    """Tell ``user_id`` that ``kind`` happened. With ``dedupe_key`` it is said only once,
    however often (or from however many processes) the sender runs."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    await quickread.run(_SEND if dedupe_key is None else _SEND_ONCE, user_id, kind, link[:200],
                        dedupe_key, json.dumps(params, ensure_ascii=False, default=str),
                        datetime.now(UTC))


async def unread_count(actor: Principal) -> int:
    return await Notification.count().where(
        (Notification.user == actor.user_id) & Notification.read_at.is_null())


# ``unread_count`` as a scalar subquery on ``u.id``, the person in who is asking's query
# (``accounts.sessions.session_row``), which reads it in the same round trip as the
# session; a partial index keeps it to the unread rows.
UNREAD_COUNT_SQL = 'SELECT count(*) FROM notification n WHERE n."user" = u.id AND n.read_at IS NULL'


async def recent(actor: Principal, before: int | None = None
                 ) -> tuple[list[Shown], int | None]:
    """``actor``'s own, newest first, a page at a time; returns the page and the next
    cursor. Nobody reads another person's notifications."""
    found = await paging.newest_first(
        Notification.select().where(Notification.user == actor.user_id),
        Notification.id, before, PAGE_SIZE)
    shown = [
        Shown(int(r["id"]), render(r["kind"], _params(r["params"])), r["link"],
              r["created_at"], r["read_at"] is None)
        for r in found.rows
    ]
    return shown, found.next_before


async def mark_all_read(actor: Principal) -> int:
    """Marks every unread notification of ``actor`` read; returns how many."""
    rows = await Notification.update({Notification.read_at: datetime.now(UTC)}).where(
        (Notification.user == actor.user_id) & Notification.read_at.is_null()
    ).returning(Notification.id)
    return len(rows)


async def kinds_sent(user_id: int) -> list[str]:
    """The kinds a person was sent, oldest first. For tests and checks, not for pages:
    it takes no Principal because no page shows it."""
    rows = await Notification.select(Notification.kind).where(
        Notification.user == user_id).order_by(Notification.id)
    return [r["kind"] for r in rows]


def _params(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


async def erase_person(user_id: int, replacements: Mapping[str, str],
                       about: Mapping[str, Mapping[str, str]]) -> int:
    """Closing an account: the person's own notifications go, and in everyone else's the
    texts naming them (``replacements``: their name, phone …) are replaced, and in those
    about their things (``about``: link → more replacements, e.g. a wish's title) those
    too. Returns how many of the others' were changed."""
    await Notification.delete().where(Notification.user == user_id)
    patterns = redact.like_patterns(replacements)
    condition = Notification.link.is_in(list(about) or ["-"])
    for pattern in patterns:
        condition |= Notification.params.like(pattern)
    changed = 0
    rows = await Notification.select(Notification.id, Notification.link,
                                     Notification.params).where(condition)
    for row in rows:
        wanted = {**replacements, **about.get(row["link"], {})}
        params = redact.values(_params(row["params"]), wanted)
        text = json.dumps(params, ensure_ascii=False, default=str)
        if text != row["params"]:
            await Notification.update({Notification.params: text}).where(
                Notification.id == row["id"])
            changed += 1
    return changed

"""Idempotency keys: the same request sent twice (a double tap, a client retrying with the
same ``Idempotency-Key``) does its work once, and the second gets the first one's answer.

One table shared by every process. A key belongs to one person; the first request claims
it (a unique index decides among simultaneous ones), does the work and saves its answer;
a twin that arrives meanwhile waits for that answer. The same key with another request
(method, path or body) is refused with 409. Keys expire after ``KEEP`` (the timer job
``purge`` deletes them); a claim whose request died with its process is taken over after
``STALE``.

Used by the API middleware (``web/idempotency.py``) for every ``/api`` write, and by
"Get code", whose form carries a hidden key.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from piccolo.columns import Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.conf.apps import AppConfig
from piccolo.table import Table

from marketplace import clock, db
from marketplace.errors import Conflict, DomainError
from marketplace.i18n import _

HEADER = "idempotency-key"
MAX_KEY = 100
KEEP = timedelta(hours=24)
STALE = timedelta(minutes=2)  # a claim this old without an answer: its request died
WAIT = 20.0  # seconds a twin waits for the first request's answer
POLL = 0.05


class IdempotencyKey(Table, tablename="idempotency_key"):
    id = Serial(primary_key=True)
    # "user:key": Piccolo has no composite unique constraint.
    key = Varchar(length=140, unique=True)
    fingerprint = Varchar(length=64)  # SHA-256 of the request (method, path, body)
    status = Integer(null=True, default=None)  # NULL while the first request runs
    headers = Text(default="[]")  # JSON [[name, value], ...] of the answer
    body = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(index=True)


APP_CONFIG = AppConfig(
    app_name="idempotency",
    migrations_folder_path=str(Path(__file__).resolve().parents[1] / "migrations"
                               / "idempotency"),
    table_classes=[IdempotencyKey],
)


@dataclass(frozen=True)
class Answer:
    """What the first request answered, replayed to its twins."""

    status: int
    body: str = ""
    headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def fingerprint(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\x00")
    return digest.hexdigest()


def check_key(key: str) -> str:
    """A key is 1–100 visible ASCII characters (a UUID, say)."""
    if not 1 <= len(key) <= MAX_KEY or not all(33 <= ord(c) < 127 for c in key):
        raise DomainError(_("The Idempotency-Key must be 1 to %(n)s visible ASCII "
                            "characters.", n=MAX_KEY), "key")
    return key


def _row_key(user_id: int, key: str) -> str:
    return f"{user_id}:{check_key(key)}"


async def claim(user_id: int, key: str, print_: str) -> Answer | None:
    """None: the caller is first and must do the work, then ``save`` or ``forget``.
    An Answer: the work was done before; reply with it. Conflict: other request, same key.
    """
    row_key = _row_key(user_id, key)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while True:
        moment = clock.now()
        async with db.transaction():
            won = await IdempotencyKey.insert(IdempotencyKey(
                key=row_key, fingerprint=print_, expires_at=moment + KEEP,
            )).on_conflict(action="DO NOTHING").returning(IdempotencyKey.id)
        if won:
            return None
        row = await IdempotencyKey.select().where(IdempotencyKey.key == row_key).first()
        if row is None:  # forgotten or purged meanwhile: try again
            continue
        if row["expires_at"] <= moment or (
                row["status"] is None and row["created_at"] <= moment - STALE):
            await IdempotencyKey.delete().where(
                (IdempotencyKey.id == row["id"]) & (IdempotencyKey.key == row_key))
            continue
        if row["fingerprint"] != print_:
            raise Conflict(_("This Idempotency-Key was already used for a different "
                             "request."))
        if row["status"] is not None:
            return Answer(int(row["status"]), row["body"],
                          tuple((str(k), str(v)) for k, v in json.loads(row["headers"])))
        if loop.time() >= deadline:
            raise Conflict(_("A request with this Idempotency-Key is still being "
                             "processed; try again shortly."))
        await asyncio.sleep(POLL)


async def save(user_id: int, key: str, answer: Answer) -> None:
    await IdempotencyKey.update({
        IdempotencyKey.status: answer.status, IdempotencyKey.body: answer.body,
        IdempotencyKey.headers: json.dumps(answer.headers, ensure_ascii=False),
    }).where(IdempotencyKey.key == _row_key(user_id, key))


async def forget(user_id: int, key: str) -> None:
    """The work failed without an answer worth keeping: the key may be used again."""
    await IdempotencyKey.delete().where(
        (IdempotencyKey.key == _row_key(user_id, key)) & IdempotencyKey.status.is_null())


async def once(user_id: int, key: str, print_: str,
               work: Callable[[], Awaitable[Answer]]) -> Answer:
    """Run ``work`` once per key: twins get its answer. An exception forgets the key."""
    saved = await claim(user_id, key, print_)
    if saved is not None:
        return saved
    try:
        answer = await work()
    except BaseException:
        await forget(user_id, key)
        raise
    await save(user_id, key, answer)
    return answer


async def purge(moment: datetime) -> int:
    """Timer job: delete expired keys."""
    gone = await IdempotencyKey.delete().where(
        IdempotencyKey.expires_at < moment).returning(IdempotencyKey.id)
    return len(gone)


async def forget_person(user_id: int) -> None:
    """Closing an account: the saved answers of its requests (they may show its name)."""
    await IdempotencyKey.delete().where(IdempotencyKey.key.like(f"{user_id}:%"))

"""argon2id hashing, run in a worker thread so the event loop keeps serving."""

from __future__ import annotations

import asyncio
import os

import anyio
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from marketplace import settings

# OWASP minimum for argon2id: 19 MiB, 2 passes, 1 lane (~24 ms here).
_OWASP = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, type=Type.ID)
# Tests only (settings refuse it in production): same algorithm, trivial cost.
_FAST = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1, type=Type.ID)


# At most this many hashes at once. Each argon2 hash is CPU-bound for ~24 ms; 50 sign-ins
# on anyio's default 40-thread pool left the event loop's thread a sliver of the cores, so
# page views waited seconds. With one hash per core less one, sign-ins queue here instead.
_HASH_SLOTS = max(1, (os.cpu_count() or 1) - 1)
_limiters: dict[int, anyio.CapacityLimiter] = {}


def _slots() -> anyio.CapacityLimiter:
    # One per event loop (tests run several loops; a limiter's waiters belong to one).
    key = id(asyncio.get_running_loop())
    if key not in _limiters:
        _limiters.clear()  # only the current loop's limiter is ever needed
        _limiters[key] = anyio.CapacityLimiter(_HASH_SLOTS)
    return _limiters[key]


def _hasher() -> PasswordHasher:
    return _FAST if settings.get().password_profile == "fast" else _OWASP


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher().hash, password, limiter=_slots())


async def verify_password(stored_hash: str, password: str) -> tuple[bool, str | None]:
    """Return (ok, new_hash); new_hash is set when the parameters changed since hashing."""
    hasher = _hasher()

    def check() -> tuple[bool, str | None]:
        try:
            hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False, None
        if hasher.check_needs_rehash(stored_hash):
            return True, hasher.hash(password)
        return True, None

    return await anyio.to_thread.run_sync(check, limiter=_slots())


# Verified against on unknown logins so response time does not reveal which logins exist.
_DUMMY_HASH: dict[str, str] = {}


async def burn_time(password: str) -> None:
    profile = settings.get().password_profile
    if profile not in _DUMMY_HASH:
        _DUMMY_HASH[profile] = await hash_password("not-a-real-password")
    await verify_password(_DUMMY_HASH[profile], password)

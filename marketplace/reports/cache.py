"""A short, per-process cache of computed figures, one computation per key at a time.

For the public community page: anyone may ask for it without signing in, so a crowd (a
link shared in a residents' WeChat group) must not start one computation per visitor.
The first request for a key computes; requests arriving meanwhile wait for that same
computation and reuse its result, which is kept for ``seconds``; after that the next
request computes again.

Each process keeps its own copy and computes its own figures: nothing here is needed by
another process, and a process that restarts just computes again. The figures are at
most ``seconds`` old.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class ShortCache(Generic[T]):
    def __init__(self, seconds: Callable[[], float],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._seconds = seconds  # read at each store, so settings apply without restart
        self._clock = clock
        self._values: dict[Hashable, tuple[float, T]] = {}
        self._running: dict[Hashable, asyncio.Future[T]] = {}

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        """The value kept for ``key``, else the result of the computation under way for
        it, else the result of ``compute()`` (which then runs for everyone asking)."""
        if self._seconds() <= 0:
            return await compute()
        kept = self._values.get(key)
        if kept is not None and kept[0] > self._clock():
            return kept[1]
        running = self._running.get(key)
        if running is None:
            # In a context of its own: the computation outlives the request that started
            # it when that visitor leaves, so it must not run on that request's database
            # connection or transaction (context variables).
            running = asyncio.get_running_loop().create_task(
                self._fill(key, compute), context=contextvars.Context())
            self._running[key] = running
        # Shielded: a visitor who leaves does not cancel the others' computation.
        return await asyncio.shield(running)

    async def _fill(self, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        try:
            value = await compute()
            now = self._clock()
            self._values = {k: v for k, v in self._values.items() if v[0] > now}
            self._values[key] = (now + self._seconds(), value)
            return value
        finally:
            del self._running[key]

    def clear(self) -> None:
        self._values.clear()

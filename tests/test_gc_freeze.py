"""What a process made to start is frozen out of the garbage collector's sight, so that a
full collection in the middle of requests walks only what requests made (unfrozen, one
took 100-200 ms: a write's p99)."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from litestar.testing import AsyncTestClient

from marketplace import db, timers
from marketplace.app import create_app, freeze_what_started


@asynccontextmanager
async def _nothing(*_args: object) -> AsyncIterator[None]:
    yield


async def test_starting_the_app_freezes_what_started(monkeypatch: pytest.MonkeyPatch) -> None:
    # The test session's pool and timers stay as they are (closing the pool at the end
    # would leave the following tests without a database).
    monkeypatch.setattr(db, "lifespan_pool", _nothing)
    monkeypatch.setattr(timers, "running", _nothing)
    gc.unfreeze()
    made_before = [object()]  # a container the collector tracks
    assert any(o is made_before for o in gc.get_objects())
    async with AsyncTestClient(create_app()) as client:
        assert (await client.get("/health")).status_code == 200
        assert gc.get_freeze_count() > 0
        # Frozen: no collection looks at it any more.
        assert not any(o is made_before for o in gc.get_objects())


def test_only_the_first_app_to_start_freezes() -> None:
    gc.unfreeze()
    freeze_what_started()
    frozen = gc.get_freeze_count()
    made_after = [object()]
    freeze_what_started()  # another app of the same process starting
    assert gc.get_freeze_count() == frozen
    assert any(o is made_after for o in gc.get_objects())

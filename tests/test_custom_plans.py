"""Plans on PostgreSQL: the hot path lets PostgreSQL keep a prepared statement's generic
plan (who is asking, a claim's read: not planned again on every request), while the
period reports' statements are planned for their own values (``db.custom_plans``): a
generic plan cannot see a period's bounds and scanned a county's history."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from marketplace import clock, db, postgres
from marketplace.community.tables import Community
from marketplace.reports import records, rollup
from marketplace.reports import service as reports
from tests.conftest import World, login

pytestmark = [pytest.mark.postgres_only,
              pytest.mark.skipif(db.is_sqlite(), reason="PostgreSQL's plans")]

# One text per test: a pooled connection keeps its prepared statements between tests.
LOOKUP = "SELECT name AS {} FROM community WHERE id = $1"


@pytest.fixture
async def one_connection() -> AsyncIterator[None]:
    """The block's statements on one pooled connection, so its prepared statements can be
    read back from ``pg_prepared_statements``."""
    async with postgres.shared_connection(db.DB.pool):  # type: ignore[attr-defined]
        yield


async def _plans(text: str) -> list[dict[str, Any]]:
    return await Community.raw(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
        "WHERE statement = {}", text)


async def _run_lookup(text: str, community_id: int, times: int) -> None:
    for _ in range(times):
        await db.DB._run_in_pool(text, [community_id])  # type: ignore[attr-defined]


async def test_the_hot_path_keeps_a_generic_plan(world: World, one_connection: None) -> None:
    setting = await Community.raw("SELECT current_setting('plan_cache_mode') AS mode")
    assert setting[0]["mode"] == "auto"
    text = LOOKUP.format("hot")
    await _run_lookup(text, world.community_id, 8)
    plans = await _plans(text)
    assert len(plans) == 1 and plans[0]["generic_plans"] > 0


async def test_report_statements_are_planned_for_their_values(
        world: World, one_connection: None) -> None:
    text = LOOKUP.format("report")
    with db.custom_plans():
        await _run_lookup(text, world.community_id, 8)
        setting = await Community.raw("SELECT current_setting('plan_cache_mode') AS mode")
    assert setting[0]["mode"] == "auto"  # the connection's setting is left alone
    assert all(p["generic_plans"] == 0 for p in await _plans(text))


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bool, bool]]:
    """For each statement run outside a transaction: was it under ``db.custom_plans``, and
    is it bounded by a moment (a period's bounds)?"""
    flags: list[tuple[bool, bool]] = []
    real = postgres.fetch

    async def spy(connection: Any, query: str, args: Any) -> list[Any]:
        flags.append((postgres.CUSTOM_PLANS.get(),
                      any(isinstance(a, datetime) for a in args or [])))
        return await real(connection, query, args)

    monkeypatch.setattr(postgres, "fetch", spy)
    return flags


async def test_the_reports_run_with_custom_plans(world: World,
                                                 seen: list[tuple[bool, bool]]) -> None:
    staff = await world.person(staff=True)
    seen.clear()
    period = reports.parse_period(None, None)
    now = clock.now()
    community = await Community.select(Community.id, Community.name).where(
        Community.id == world.community_id)
    await reports.dashboard_figures(world.community_id, None, period)
    await reports._public_figures(world.community_id, clock.today())
    await records.tallies(world.community_id, period.start, period.end)
    await rollup.figures_by_community(community, rollup.Window(
        now - timedelta(days=180), now, now - timedelta(days=365), now, 600))
    for what in ("wishes", "transfers"):
        async for _ in reports.export(staff, what, world.community_id, period).chunks:
            pass
    periods = [custom for custom, bounded in seen if bounded]
    assert len(periods) >= 10 and all(periods)


async def test_a_signed_in_request_runs_without(world: World, client: httpx.AsyncClient,
                                                 seen: list[tuple[bool, bool]]) -> None:
    await login(client, await world.person(helper=True))
    seen.clear()
    assert (await client.get("/wishes/")).status_code == 200
    assert seen and not any(custom for custom, _ in seen)

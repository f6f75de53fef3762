"""Benchmark: CSV exports of 100,000 wishes stream with bounded memory.

Run with ``make bench`` (through the bench harness) or directly:
``.venv/bin/python -m tests.bench.bench_exports``. Uses a fresh SQLite database in a
temporary directory unless DATABASE_URL points at an (empty, disposable) PostgreSQL one.
Prints figures; exits non-zero if memory grows with the number of rows.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
import tracemalloc
from typing import Any

ROWS = 100_000
SMALL = 10_000


def _environment() -> None:
    os.environ.setdefault("MARKETPLACE_ENV", "test")
    os.environ.setdefault("PASSWORD_PROFILE", "fast")
    os.environ.setdefault("TICK_SECONDS", "0")
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-that-is-long-enough-0123456789")
    if not os.environ.get("DATABASE_URL"):
        os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="marketplace-bench-")


async def _seed_to(total: int, community_id: int, owner_id: int, category_id: int) -> None:
    """One INSERT … SELECT over a counting CTE (SQLite and PostgreSQL): seconds, not minutes."""
    from marketplace import db
    from marketplace.wishes.tables import Wish

    have = await Wish.count().where(Wish.community == community_id)
    if have >= total:
        return
    async with db.transaction():
        await Wish.raw(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {}) "
            "INSERT INTO wish (community, owner, posted_by, category, title, description, "
            "photo, status, points, team_size, reject_reason, fulfil_note, fulfil_photo, "
            "hours, rating, rating_comment, dispute_reason, created_at, updated_at) "
            "SELECT {}, {}, {}, {}, '心愿 Wish ' || CAST(i AS VARCHAR(12)), '', '', "
            "'confirmed', 10, 1, '', '', '', 60, 5, '', '', CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP FROM n",
            total - have, community_id, owner_id, owner_id, category_id)


async def _export(community_id: int) -> tuple[int, int]:
    from marketplace.reports import exports

    size = lines = 0
    async for chunk in exports.wishes(community_id, None, None):
        size += len(chunk)
        lines += chunk.count(b"\n")
    return lines - 1, size


async def _measure(community_id: int) -> tuple[int, int, float, int]:
    """Rows, bytes, seconds (untraced run) and peak traced memory (traced run)."""
    started = time.perf_counter()
    rows, size = await _export(community_id)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    await _export(community_id)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return rows, size, seconds, peak


async def _naive_peak(community_id: int) -> int:
    """For comparison: the peak of reading every row at once (what streaming avoids)."""
    from marketplace.wishes.tables import Wish

    tracemalloc.start()
    rows = await Wish.select().where(Wish.community == community_id)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del rows
    return peak


async def run() -> tuple[float, float]:
    from marketplace import db
    from marketplace.accounts import service as accounts
    from marketplace.cli import migrate
    from marketplace.community.tables import Community
    from marketplace.wishes.tables import Category

    async with db.lifespan_pool():
        assert await migrate()
        c = await Community.insert(Community(name=f"Bench {time.time_ns()}")).returning(
            Community.id)
        cid = int(c[0]["id"])
        owner = await accounts.register(accounts.Registration(
            display_name="王阿姨", login=f"bench{time.time_ns() % 10**9}",
            password="bench-password-1", community_id=cid))
        cat = await Category.insert(Category(community=cid, name="维修 Repairs")).returning(
            Category.id)
        results = {}
        for total in (SMALL, ROWS):
            t0 = time.perf_counter()
            await _seed_to(total, cid, owner, int(cat[0]["id"]))
            seeded = time.perf_counter() - t0
            rows, size, seconds, peak = await _measure(cid)
            results[total] = peak
            print(f"export of {rows:>7,} wishes: {size / 1e6:6.1f} MB in {seconds:5.2f} s "
                  f"({rows / seconds:,.0f} rows/s), peak traced memory "
                  f"{peak / 1e6:5.2f} MB  (seeding took {seeded:.1f} s)")
            assert rows == total, (rows, total)
        naive = await _naive_peak(cid)
        print(f"for comparison, reading all {ROWS:,} rows at once peaks at {naive / 1e6:.1f} MB")
    growth = results[ROWS] / results[SMALL]
    print(f"memory growth from {SMALL:,} to {ROWS:,} rows: x{growth:.2f} (bounded if ~1)")
    return growth, results[ROWS]


def main() -> list[Any]:
    """Rows for the harness's table (``python -m tests.bench exports``)."""
    from tests.bench.common import Row

    _environment()
    growth, peak = asyncio.run(run())
    return [Row(f"CSV export memory, {ROWS:,} vs {SMALL:,} wishes", f"×{growth:.2f}",
                "< 2× (streams)", growth < 2, generator="in process (no HTTP)",
                note=f"peak traced {peak / 1e6:.1f} MB")]


if __name__ == "__main__":
    sys.exit(0 if all(r.ok for r in main()) else 1)

"""County scale (issue 13): p95 of every role's main pages, the dashboard, the public page,
the three-year service record and exports, on PostgreSQL with 2 uvicorn processes and 4
clients. Target: every page p95 < 100 ms.

The county is bulk-loaded by ``tests/bench/county.py`` (BENCH_SCALE shrinks it). Each page
is measured on its own: 4 workers ask for it again and again for SECONDS after a warm-up;
an export is timed to its last byte (the generator reads the whole body). The public page
is measured twice: as served to a crowd on one community (after the warm-up its short
per-process cache answers), and with the cache off (PUBLIC_PAGE_CACHE_SECONDS=0, the 4
workers going round the 13 communities), which is what one computation costs. A last
row gives `/health` (no database) under the same load: how busy the machine was.

BENCH_BASELINE=/path/to/another/checkout serves that checkout's code too (same database,
2 more processes) and measures each page on it right after this one, in the note: a
before/after from one run. The database is migrated by this checkout's code.
"""

from __future__ import annotations

import asyncio
import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from marketplace import clock, db
from tests.bench.common import Row, database, emit, run_load, session_for
from tests.bench.county import County, seed_county
from tests.live import Server

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
SECONDS = float(os.environ.get("BENCH_COUNTY_SECONDS", "4"))
WORKERS, PROCESSES, TARGET_MS = 4, 2, 100.0
RESIDENT, HELPER, STAFF, MERCHANT, STREET, DISTRICT, ANONYMOUS, UNIT = range(8)


async def seed() -> tuple[County, list[str], float]:
    async with database():
        started = time.monotonic()
        county = await seed_county(SCALE)
        seconds = time.monotonic() - started
        sids = [await session_for(uid) for uid in (
            county.resident_id, county.helper_id, county.staff_id, county.merchant_owner_id,
            county.street_staff_id, county.district_staff_id, county.unit_contact_id)]
        return county, sids, seconds


def pages(county: County) -> list[tuple[str, int, list[str], bool]]:
    """(label, client, paths the workers go round, has a target); no target: measured
    by rounds (see ``measure``), for information."""
    today = clock.today()
    year = (today - timedelta(days=365)).isoformat()
    three = (today - timedelta(days=3 * 365)).isoformat()
    month = (today - timedelta(days=30)).isoformat()
    m = county.merchant_id
    return [
        ("resident: /wishes/", RESIDENT, ["/wishes/"], True),
        ("resident: /wishes/mine", RESIDENT, ["/wishes/mine"], True),
        ("resident: /points", RESIDENT, ["/points"], True),
        ("resident: /rewards/", RESIDENT, ["/rewards/"], True),
        ("helper: /wishes/", HELPER, ["/wishes/"], True),
        ("helper: /points", HELPER, ["/points"], True),
        ("helper: /me/record (12 months)", HELPER, ["/me/record"], True),
        ("helper: service record, 3 years", HELPER,
         [f"/me/record?date_from={three}&date_to={today}"], True),
        ("staff: /staff/wishes/", STAFF, ["/staff/wishes/"], True),
        ("staff: dashboard, 6 months", STAFF, ["/staff/reports/"], True),
        ("staff: dashboard, 1 year", STAFF,
         [f"/staff/reports/?date_from={year}&date_to={today}"], True),
        ("staff: helper's record, 3 years", STAFF,
         [f"/staff/reports/helpers/{county.helper_id}?date_from={three}&date_to={today}"],
         True),
        ("staff: wishes CSV, 1 month (last byte)", STAFF,
         [f"/staff/reports/export/wishes.csv?date_from={month}"], True),
        ("staff: transfers CSV, 1 month (last byte)", STAFF,
         [f"/staff/reports/export/transfers.csv?date_from={month}"], True),
        ("staff: transfers CSV, 3 years (last byte)", STAFF,
         ["/staff/reports/export/transfers.csv"], False),
        ("merchant: shop page", MERCHANT, [f"/merchant/{m}"], True),
        ("merchant: statement", MERCHANT, [f"/merchant/{m}/statement"], True),
        # The largest work unit (160 members across the 13 communities at full scale).
        ("work unit: portal, this year", UNIT, [f"/unit/{county.work_unit_id}"], True),
        ("work unit: portal, last year", UNIT,
         [f"/unit/{county.work_unit_id}?period=last-year"], True),
        ("work unit: members CSV, this year", UNIT,
         [f"/unit/{county.work_unit_id}/members.csv"], True),
        # Roll-ups (issue 17): every figure family for the street's 7 communities and the
        # district's 13, grouped by community in one query each.
        ("street: roll-up, 6 months", STREET, [f"/street/{county.street_ids[0]}"], True),
        ("district: roll-up, 6 months", DISTRICT, [f"/district/{county.district_id}"],
         True),
        ("district: roll-up, 1 year", DISTRICT,
         [f"/district/{county.district_id}?date_from={year}&date_to={today}"], True),
        # A link shared in a residents' group: a crowd on one community's page.
        ("public: /c/<id>, a crowd on one community", ANONYMOUS,
         [f"/c/{county.community_ids[0]}"], True),
    ]


def measure(server: Server, sids: list[str], client: int, paths: list[str],
            rounds: int = 0) -> dict[str, Any]:
    """4 workers on ``paths`` for SECONDS after a warm-up; with ``rounds``, each worker
    instead goes round that many times (for answers slower than the window)."""
    steps = [{"m": "GET", "p": p, "c": client, "s": 200} for p in paths]
    # Each worker starts at a different place in the round, so they do not move in step.
    workers = [steps[i % len(steps):] + steps[:i % len(steps)] for i in range(WORKERS)]
    # The clients' order is the roles' (RESIDENT … UNIT): anonymous sends no cookie.
    cookies = [{"sid": sid} for sid in sids]
    clients = [{"cookies": c} for c in [*cookies[:ANONYMOUS], {}, *cookies[ANONYMOUS:]]]
    group = ({"name": "g", "repeat": False, "workers": [w * rounds for w in workers]}
             if rounds else {"name": "g", "repeat": True, "workers": workers})
    result = run_load({"base_url": server.url, "clients": clients, "warmup": 1.0,
                       "duration": SECONDS, "groups": [group]})
    return result["groups"]["g"] | {"samples": result["error_samples"]}


def row(label: str, g: dict[str, Any], target: bool, note: str = "") -> Row:
    ok = g["p95_ms"] < TARGET_MS and g["errors"] == 0
    samples = f"; {g['samples'][0][:120]}" if g["errors"] and g["samples"] else ""
    return Row(f"county: {label} p95", f"{g['p95_ms']:.0f} ms",
               f"< {TARGET_MS:.0f} ms" if target else "—", ok if target else None,
               note=f"p50 {g['p50_ms']:.0f} ms, {g['rate']:.0f} req/s, errors {g['errors']}"
                    f"{note}{samples}")


def serve(env: dict[str, str] | None = None, cwd: Path | None = None) -> Server:
    server = Server(env, workers=PROCESSES, cwd=cwd).start()
    time.sleep(2.0)  # the second process answers /health a moment after the first
    return server


def before(baseline: Server | None, sids: list[str], client: int, paths: list[str],
           rounds: int) -> str:
    """The same page served by the baseline checkout, measured right after (a shared
    machine's load moves by the minute: a figure from another run compares badly)."""
    if baseline is None:
        return ""
    g = measure(baseline, sids, client, paths, rounds)
    return f"; before (BENCH_BASELINE, same run): p95 {g['p95_ms']:.0f} ms, errors {g['errors']}"


def run_pages(county: County, sids: list[str], baseline_dir: Path | None) -> list[Row]:
    rows: list[Row] = []
    server = serve()
    baseline = serve(cwd=baseline_dir) if baseline_dir else None
    try:
        for label, client, paths, target in pages(county):
            rounds = 0 if target else 2
            after = measure(server, sids, client, paths, rounds)
            rows.append(row(label, after, target,
                            before(baseline, sids, client, paths, rounds)))
        rows.append(row("reference: /health (no database)",
                        measure(server, sids, ANONYMOUS, ["/health"]), False))
    finally:
        server.stop()
        if baseline is not None:
            baseline.stop()
    return rows


def main() -> list[Row]:
    if db.is_sqlite():
        return [Row("county scale", "not run", f"< {TARGET_MS:.0f} ms", None,
                    note="needs PostgreSQL (DATABASE_URL)")]
    county, sids, seeded = asyncio.run(seed())
    baseline = os.environ.get("BENCH_BASELINE")
    rows = run_pages(county, sids, Path(baseline) if baseline else None)
    off = {"PUBLIC_PAGE_CACHE_SECONDS": "0", "ROLLUP_CACHE_SECONDS": "0"}
    server = serve(off)
    baseline_server = serve(off, cwd=Path(baseline)) if baseline else None
    try:
        public = [f"/c/{c}" for c in county.community_ids]
        rows.append(row("public: /c/<id>, cache off", measure(server, sids, ANONYMOUS, public),
                        True, "; each request computes the figures"
                        + before(baseline_server, sids, ANONYMOUS, public, 0)))
        for label, client, path in (
                ("street: roll-up, 6 months, cache off", STREET,
                 f"/street/{county.street_ids[0]}"),
                ("district: roll-up, 6 months, cache off", DISTRICT,
                 f"/district/{county.district_id}"),
                ("work unit: portal, this year, cache off", UNIT,
                 f"/unit/{county.work_unit_id}")):
            rows.append(row(label, measure(server, sids, client, [path]), True,
                            "; each request computes the figures"))
    finally:
        server.stop()
        if baseline_server is not None:
            baseline_server.stop()
    c = county.counts
    rows[0].note += (f"; county: 13 communities, 84 grids, {c['app_user']:,} people "
                     f"({county.scale.helpers:,} party members), {c['wish']:,} wishes, "
                     f"{c['ledger_transfer']:,} transfers, {c['activity_participation']:,} "
                     f"check-ins, {c['redeem_code']:,} redemptions; bulk load {seeded:.0f} s; "
                     f"PostgreSQL, {PROCESSES} uvicorn processes, {WORKERS} clients")
    return rows


if __name__ == "__main__":
    emit(main())

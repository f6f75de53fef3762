"""Claim → fulfil → confirm writes per second on SQLite with 32 concurrent clients, and
their p99 latency. Targets: ≥ 1,000 writes/s, p99 < 100 ms, zero errors.

Each client is a helper with its own wishes (no lost races: this measures write capacity),
and the wish's owner confirms; every request is one write transaction.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from marketplace.wishes import service as wishes
from tests.bench.common import Row, database, emit, new_place, open_wishes, person, run_load, token
from tests.live import Server

CLIENTS = 32
WISHES_PER_CLIENT = int(os.environ.get("BENCH_WISHES_PER_CLIENT", "15"))
TARGET_RATE, TARGET_P99 = 1000, 100.0


async def seed() -> tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]:
    async with database():
        place = await new_place()
        staff = await person(place, staff=True)
        category = await wishes.add_category(staff, place.community_id, "Errands", 10)
        clients, workers = [], []
        for i in range(CLIENTS):
            helper, owner = await person(place, helper=True), await person(place)
            clients += [{"cookies": {"sid": await token(helper)}},
                        {"cookies": {"sid": await token(owner)}}]
            steps = []
            for wish_id in await open_wishes(owner, staff, category, WISHES_PER_CLIENT):
                steps += [
                    {"m": "POST", "p": f"/wishes/{wish_id}/claim", "c": 2 * i, "s": 303},
                    {"m": "POST", "p": f"/wishes/{wish_id}/fulfil", "c": 2 * i, "s": 303,
                     "d": {"note": "Done.", "hours": "1"}},
                    {"m": "POST", "p": f"/wishes/{wish_id}/confirm", "c": 2 * i + 1,
                     "s": 303, "d": {"rating": "5"}},
                ]
            workers.append(steps)
        return clients, workers


def main() -> list[Row]:
    clients, workers = asyncio.run(seed())
    server = Server().start()
    try:
        result = run_load({"base_url": server.url, "clients": clients,
                           "groups": [{"name": "writes", "workers": workers}]})
    finally:
        server.stop()
    g = result["groups"]["writes"]
    note = f"{g['requests']} writes, SQLite, {SERVER_NOTE}; errors {g['errors']}"
    if result["error_samples"]:
        note += f" (e.g. {result['error_samples'][0][:120]})"
    return [
        Row("claim/fulfil/confirm writes per second (32 clients)", f"{g['rate']:.0f}/s",
            f"≥ {TARGET_RATE}/s", g["rate"] >= TARGET_RATE and g["errors"] == 0, note=note),
        Row("  p99 latency of those writes", f"{g['p99_ms']:.0f} ms",
            f"< {TARGET_P99:.0f} ms", g["p99_ms"] < TARGET_P99, note=f"p50 {g['p50_ms']:.0f} ms"),
    ]


SERVER_NOTE = "1 uvicorn process"

if __name__ == "__main__":
    emit(main())

"""Wish list page (20 cards from the database) throughput ÷ the same template rendered from
in-memory data by the same server. Target ≥ 0.70."""

from __future__ import annotations

import asyncio

from marketplace.wishes import service as wishes
from tests.bench.common import (
    Row,
    database,
    emit,
    get_steps,
    new_place,
    open_wishes,
    person,
    run_load,
    token,
)
from tests.live import Server

WORKERS, SECONDS, TARGET = 8, 6.0, 0.70


async def seed() -> str:
    async with database():
        place = await new_place()
        staff = await person(place, staff=True)
        owner = await person(place)
        viewer = await person(place, helper=True)
        category = await wishes.add_category(staff, place.community_id, "Errands", 10)
        await open_wishes(owner, staff, category, 40)
        return await token(viewer)


def throughput(server: Server, sid: str, path: str) -> dict:
    result = run_load({"base_url": server.url, "clients": [{"cookies": {"sid": sid}}],
                       "groups": [{"name": "g", "repeat": True,
                                   "workers": [get_steps(path)] * WORKERS}],
                       "warmup": 1.0, "duration": SECONDS})
    return result["groups"]["g"] | {"samples": result["error_samples"]}


def main() -> list[Row]:
    sid = asyncio.run(seed())
    server = Server(factory="tests.bench.app:create_bench_app").start()
    try:
        from_db = throughput(server, sid, "/wishes/")
        in_memory = throughput(server, sid, "/bench/wishes-in-memory")
    finally:
        server.stop()
    ratio = from_db["rate"] / in_memory["rate"]
    errors = from_db["errors"] + in_memory["errors"]
    return [Row("wish list (20 cards from DB) ÷ same template from memory",
                f"{ratio:.2f} ({from_db['rate']:.0f} / {in_memory['rate']:.0f} req/s)",
                f"≥ {TARGET:.2f}", ratio >= TARGET and errors == 0,
                note=f"{WORKERS} connections, {SECONDS:.0f} s each, SQLite; errors {errors}")]


if __name__ == "__main__":
    emit(main())

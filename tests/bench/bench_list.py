"""The cost of a request, against what the stack itself can do, in the same run:

- the signed-in wish list (20 cards from the database) ÷ bare Litestar + Jinja serving the
  very same bytes (``tests/bench/app.py``). Target ≥ 0.20.
- signed-in ÷ anonymous ``/health``: what finding out who is asking costs. Target ≥ 0.5.
"""

from __future__ import annotations

import asyncio
import tempfile
import urllib.request
from pathlib import Path

from marketplace.wishes import service as wishes
from tests.bench.app import write_page
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

WORKERS, ROUNDS, SECONDS = 8, 3, 2.0
TARGET_LIST, TARGET_HEALTH = 0.20, 0.5


async def seed() -> str:
    async with database():
        place = await new_place()
        staff = await person(place, staff=True)
        owner = await person(place)
        viewer = await person(place, helper=True)
        category = await wishes.add_category(staff, place.community_id, "Errands", 10)
        await open_wishes(owner, staff, category, 40)
        return await token(viewer)


def throughput(server: Server, path: str, sid: str | None) -> dict:
    cookies = {"sid": sid} if sid else {}
    result = run_load({"base_url": server.url, "clients": [{"cookies": cookies}],
                       "groups": [{"name": "g", "repeat": True,
                                   "workers": [get_steps(path)] * WORKERS}],
                       "warmup": 0.5, "duration": SECONDS})
    return result["groups"]["g"]


def compare(a: tuple[Server, str, str | None], b: tuple[Server, str, str | None]
            ) -> tuple[dict, dict]:
    """Both figures in alternating rounds: the machine is shared, and its load drifts."""
    totals: list[dict] = [{"requests": 0, "errors": 0, "elapsed_s": 0.0},
                          {"requests": 0, "errors": 0, "elapsed_s": 0.0}]
    for _ in range(ROUNDS):
        for total, (server, path, sid) in zip(totals, (a, b), strict=True):
            got = throughput(server, path, sid)
            for key in total:
                total[key] += got[key]
    for total in totals:
        total["rate"] = total["requests"] / total["elapsed_s"]
    return totals[0], totals[1]


def capture(server: Server, path: str, sid: str) -> str:
    request = urllib.request.Request(server.url + path, headers={"Cookie": f"sid={sid}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(response.read().decode("utf-8"))


def ratio_row(name: str, top: dict, bottom: dict, target: float, note: str) -> Row:
    ratio = top["rate"] / bottom["rate"] if bottom["rate"] else 0.0
    errors = top["errors"] + bottom["errors"]
    return Row(name, f"{ratio:.2f} ({top['rate']:.0f} / {bottom['rate']:.0f} req/s)",
               f"≥ {target:.2f}", ratio >= target and errors == 0,
               note=f"{note}; {WORKERS} connections, {ROUNDS} alternating rounds of "
                    f"{SECONDS:.0f} s, 1 uvicorn process each; errors {errors}")


def main() -> list[Row]:
    sid = asyncio.run(seed())
    server = Server().start()
    bare = None
    try:
        body = capture(server, "/wishes/", sid)
        page = Path(tempfile.mkdtemp(prefix="bench-bare-")) / "wishes.html"
        write_page(body, page)
        bare = Server(env={"BENCH_BARE_PAGE": str(page)},
                      factory="tests.bench.app:create_bare_app").start()
        assert capture(bare, "/", sid) == body
        wish_list, reference = compare((server, "/wishes/", sid), (bare, "/", None))
        signed_in, anonymous = compare((server, "/health", sid), (server, "/health", None))
    finally:
        server.stop()
        if bare is not None:
            bare.stop()
    return [
        ratio_row("wish list (20 cards, SQLite) ÷ bare Litestar + Jinja, same bytes",
                  wish_list, reference, TARGET_LIST,
                  f"{len(body.encode()) // 1024} KiB page, uncompressed"),
        ratio_row("signed-in ÷ anonymous /health", signed_in, anonymous, TARGET_HEALTH,
                  "who is asking: session, roles, shops, unread count"),
    ]


if __name__ == "__main__":
    emit(main())

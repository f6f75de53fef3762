"""The cost of a request, against what the stack itself can do, in the same run:

- the signed-in wish list (20 cards from the database) ÷ bare Litestar + Jinja serving the
  very same bytes (``tests/bench/app.py``). Target ≥ 0.20.
- signed-in ÷ anonymous ``/health``: what finding out who is asking costs. Target ≥ 0.5.

Each note also gives the server process's CPU time per request: on a busy shared machine
the rates follow the other load, the CPU a request costs much less.
"""

from __future__ import annotations

import asyncio
import os
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

WORKERS, ROUNDS, SECONDS, WARMUP = 8, 3, 2.0, 0.5
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


def cpu_seconds(server: Server) -> float:
    """The server process's CPU time so far (Linux; 0 elsewhere)."""
    assert server.process is not None
    try:
        fields = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def throughput(server: Server, path: str, sid: str | None) -> dict:
    """Requests per second, and the server's CPU time per request: on a shared machine the
    rate follows whatever else runs, the CPU a request costs much less so."""
    cookies = {"sid": sid} if sid else {}
    before = cpu_seconds(server)
    result = run_load({"base_url": server.url, "clients": [{"cookies": cookies}],
                       "groups": [{"name": "g", "repeat": True,
                                   "workers": [get_steps(path)] * WORKERS}],
                       "warmup": WARMUP, "duration": SECONDS})
    got = dict(result["groups"]["g"])
    # The warm-up ran at about the window's rate; its CPU is in the difference too.
    served = got["requests"] * (got["elapsed_s"] + WARMUP) / got["elapsed_s"]
    got["cpu_s"] = (cpu_seconds(server) - before) * got["requests"] / served
    return got


def compare(a: tuple[Server, str, str | None], b: tuple[Server, str, str | None]
            ) -> tuple[dict, dict]:
    """Both figures in alternating rounds: the machine is shared, and its load drifts."""
    totals: list[dict] = [{"requests": 0, "errors": 0, "elapsed_s": 0.0, "cpu_s": 0.0},
                          {"requests": 0, "errors": 0, "elapsed_s": 0.0, "cpu_s": 0.0}]
    for _ in range(ROUNDS):
        for total, (server, path, sid) in zip(totals, (a, b), strict=True):
            got = throughput(server, path, sid)
            for key in total:
                total[key] += got[key]
    for total in totals:
        total["rate"] = total["requests"] / total["elapsed_s"]
        total["cpu_ms"] = 1000 * total["cpu_s"] / max(1, total["requests"])
    return totals[0], totals[1]


def capture(server: Server, path: str, sid: str) -> str:
    request = urllib.request.Request(server.url + path, headers={"Cookie": f"sid={sid}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(response.read().decode("utf-8"))


def ratio_row(name: str, top: dict, bottom: dict, target: float, note: str) -> Row:
    ratio = top["rate"] / bottom["rate"] if bottom["rate"] else 0.0
    errors = top["errors"] + bottom["errors"]
    cpu = (f"; server CPU per request {top['cpu_ms']:.2f} / {bottom['cpu_ms']:.2f} ms "
           f"(ratio {bottom['cpu_ms'] / top['cpu_ms']:.2f})" if top["cpu_ms"] else "")
    return Row(name, f"{ratio:.2f} ({top['rate']:.0f} / {bottom['rate']:.0f} req/s)",
               f"≥ {target:.2f}", ratio >= target and errors == 0,
               note=f"{note}; {WORKERS} connections, {ROUNDS} alternating rounds of "
                    f"{SECONDS:.0f} s, 1 uvicorn process each; errors {errors}{cpu}; "
                    f"load average {os.getloadavg()[0]:.1f}")


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

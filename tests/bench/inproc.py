"""The framework's share of a request, in process: the ASGI app called directly (no
server, no client) many times, CPU time per request from ``time.process_time_ns``.

    VAR_DIR=$(mktemp -d) python -m tests.bench.inproc [N] [--profile what]

Prints the CPU per request of the signed-in ``/wishes/``, signed-in and anonymous
``/health``, and claim → fulfil → confirm (one write each). Run it from another
checkout's directory (``cd ../main && python -m tests.bench.inproc``) for an A/B on the
same machine in the same minute: a shared machine's load distorts rates, not CPU time.
Not part of ``make bench``.
"""

from __future__ import annotations

import asyncio
import cProfile
import pstats
import sys
import time
from typing import Any
from urllib.parse import urlencode

from marketplace.app import create_app
from marketplace.wishes import service as wishes
from tests.bench.common import database, new_place, open_wishes, person, token


class Answer:
    def __init__(self) -> None:
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = b""


async def call(app: Any, method: str, path: str, cookies: dict[str, str],
               body: bytes = b"") -> Answer:
    headers = [(b"host", b"127.0.0.1:8000")]
    if cookies:
        headers.append((b"cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()).encode()))
    if body:
        headers += [(b"content-type", b"application/x-www-form-urlencoded"),
                    (b"content-length", str(len(body)).encode())]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "headers": headers,
             "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000), "state": {}}
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    answer = Answer()

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer.status = message["status"]
            answer.headers = list(message.get("headers", ()))
        else:
            answer.body += message.get("body", b"")

    await app(scope, receive, send)
    return answer


def csrf_cookie(answer: Answer) -> str:
    for name, value in answer.headers:
        if name.lower() == b"set-cookie" and value.startswith(b"csrftoken="):
            return value.split(b";", 1)[0].split(b"=", 1)[1].decode()
    raise AssertionError("no CSRF cookie")


async def timed(label: str, n: int, step: Any, profile: cProfile.Profile | None) -> None:
    """The best of five batches: other work on a shared machine only ever adds."""
    for i in range(min(50, n)):  # warm-up: plans, templates, caches
        await step(i)
    if profile:
        profile.enable()
    batch, done, best = n // 5, 50, []
    for _ in range(5):
        start = time.process_time_ns()
        for i in range(batch):
            await step(done + i)
        best.append((time.process_time_ns() - start) / batch / 1e6)
        done += batch
    if profile:
        profile.disable()
    best.sort()
    counting = cProfile.Profile()  # function calls: a figure the machine's load leaves alone
    counting.enable()
    for i in range(100):
        await step(done + i)
    counting.disable()
    calls = sum(row[1] for row in pstats.Stats(counting).stats.values()) / 100  # type: ignore[attr-defined]
    print(f"{label:28s} best {best[0]:.3f} median {best[2]:.3f} ms CPU per request "
          f"({5 * batch}); {calls:.0f} Python calls", flush=True)


def show(profile: cProfile.Profile, n: int) -> None:
    """Cumulative and own time (ms per request, profiled) of every function above 1 %."""
    stats = pstats.Stats(profile)
    rows = stats.stats  # type: ignore[attr-defined]
    total = max(ct for (_cc, _nc, _tt, ct, _callers) in rows.values())
    for (path, line, name), (_cc, _nc, tt, ct, _callers) in sorted(
            rows.items(), key=lambda kv: -kv[1][3]):
        if ct > total / 100 and "site-packages/piccolo" not in path:
            short = path.split("site-packages/")[-1].replace("/work/wt/frame5/", "")
            print(f"{1000 * ct / n:7.3f} {1000 * tt / n:7.3f}  {short}:{line}({name})")


async def main(n: int, what: str | None) -> None:
    async with database():
        place = await new_place()
        staff = await person(place, staff=True)
        owner, helper = await person(place), await person(place, helper=True)
        category = await wishes.add_category(staff, place.community_id, "Errands", 10)
        await open_wishes(owner, staff, category, 40)
        writes = n // 3 + 100
        ids = await open_wishes(owner, staff, category, writes)
        helper_sid, owner_sid = await token(helper), await token(owner)
        app = create_app()
        if "--freeze" in sys.argv:
            import gc
            gc.collect()
            gc.freeze()
        csrf = csrf_cookie(await call(app, "GET", "/login", {}))
        jar = {"sid": helper_sid, "csrftoken": csrf}
        owner_jar = {"sid": owner_sid, "csrftoken": csrf}

        def get(path: str, cookies: dict[str, str]) -> Any:
            async def step(_i: int) -> None:
                got = await call(app, "GET", path, cookies)
                assert got.status == 200, (path, got.status, got.body[:300])
            return step

        async def write(i: int) -> None:
            wish_id = ids[i // 3]
            verb, cookies, data = [("claim", jar, {}),
                                   ("fulfil", jar, {"note": "Done.", "hours": "1"}),
                                   ("confirm", owner_jar, {"rating": "5"})][i % 3]
            body = urlencode({**data, "_csrf_token": csrf}).encode()
            got = await call(app, "POST", f"/wishes/{wish_id}/{verb}", cookies, body)
            assert got.status == 303, (verb, got.status, got.body[:300])

        steps = {"list": ("signed-in GET /wishes/", get("/wishes/", jar)),
                 "health": ("signed-in GET /health", get("/health", jar)),
                 "anon": ("anonymous GET /health", get("/health", {"csrftoken": csrf})),
                 "first": ("first visit GET /health", get("/health", {})),
                 "writes": ("POST claim/fulfil/confirm", write)}
        for key, (label, step) in steps.items():
            if what and key != what:
                continue
            count = min(n, 3 * (writes - 20)) if key == "writes" else n
            profile = cProfile.Profile() if what else None
            await timed(label, count, step, profile)
            if profile:
                show(profile, count)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    profile_what = sys.argv[sys.argv.index("--profile") + 1] if "--profile" in sys.argv else None
    if profile_what in args:
        args.remove(profile_what)
    asyncio.run(main(int(args[0]) if args else 1500, profile_what))

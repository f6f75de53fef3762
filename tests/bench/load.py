"""The load generator: a separate Python process (httpx, asyncio) so its work never runs
inside the server. Reads a JSON spec on stdin, prints a JSON result on stdout.

Spec::

    {"base_url": "http://127.0.0.1:8123",
     "clients": [{"cookies": {"sid": "..."}}, ...],        # each gets its CSRF cookie first
     "groups": [{"name": "views", "repeat": true,
                 "workers": [[{"m": "GET", "p": "/wishes/", "c": 0, "s": 200}], ...]}],
     "duration": 5.0}

A worker runs its steps in order with one request in flight; a ``repeat`` group loops its
steps until ``duration`` has passed, or, when a finite group exists, until that one ends.
Per group: requests, errors, rate, latency percentiles; for repeating groups also the same
figures restricted to the window in which the finite groups ran.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import httpx


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def summarise(samples: list[tuple[float, float, bool]], elapsed: float) -> dict[str, Any]:
    latencies = sorted(ms for _, ms, _ in samples)
    errors = sum(1 for _, _, ok in samples if not ok)
    return {"requests": len(samples), "errors": errors, "elapsed_s": elapsed,
            "rate": len(samples) / elapsed if elapsed else 0.0,
            "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95),
            "p99_ms": percentile(latencies, 99)}


class Run:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.stop = asyncio.Event()
        self.clients: list[httpx.AsyncClient] = []
        self.error_samples: list[str] = []

    async def open_clients(self) -> None:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        for c in self.spec["clients"]:
            client = httpx.AsyncClient(base_url=self.spec["base_url"], timeout=30.0,
                                       cookies=c.get("cookies", {}), limits=limits)
            (await client.get("/login")).raise_for_status()  # the CSRF cookie
            self.clients.append(client)

    async def step(self, s: dict[str, Any]) -> tuple[float, float, bool]:
        client = self.clients[s["c"]]
        started = time.perf_counter()
        try:
            if s["m"] == "GET":
                r = await client.get(s["p"])
            else:
                data = {**s.get("d", {}), "_csrf_token": client.cookies.get("csrftoken", "")}
                r = await client.post(s["p"], data=data)
            ok = r.status_code == s.get("s", 200)
            if not ok and len(self.error_samples) < 3:
                self.error_samples.append(f"{s['m']} {s['p']}: {r.status_code} {r.text[:200]}")
        except httpx.HTTPError as exc:
            ok = False
            if len(self.error_samples) < 3:
                self.error_samples.append(f"{s['m']} {s['p']}: {exc!r}")
        return started, (time.perf_counter() - started) * 1000, ok

    async def worker(self, steps: list[dict[str, Any]], repeat: bool,
                     out: list[tuple[float, float, bool]]) -> None:
        while True:
            for s in steps:
                if repeat and self.stop.is_set():
                    return
                out.append(await self.step(s))
            if not repeat:
                return

    async def run(self) -> dict[str, Any]:
        await self.open_clients()
        groups = self.spec["groups"]
        samples: dict[str, list[tuple[float, float, bool]]] = {g["name"]: [] for g in groups}
        start = time.perf_counter()
        looping = [asyncio.create_task(self.worker(w, True, samples[g["name"]]))
                   for g in groups if g.get("repeat") for w in g["workers"]]
        await asyncio.sleep(self.spec.get("warmup", 0.0))
        window_start = time.perf_counter()
        finite = [self.worker(w, False, samples[g["name"]])
                  for g in groups if not g.get("repeat") for w in g["workers"]]
        if finite:
            await asyncio.gather(*finite)
        else:
            await asyncio.sleep(self.spec.get("duration", 5.0))
        window_end = time.perf_counter()
        self.stop.set()
        await asyncio.gather(*looping)
        end = time.perf_counter()
        result: dict[str, Any] = {"groups": {}, "error_samples": self.error_samples}
        for g in groups:
            name = g["name"]
            if g.get("repeat") and finite:
                inside = [x for x in samples[name] if window_start <= x[0] <= window_end]
                result["groups"][name] = summarise(inside, window_end - window_start)
            elif g.get("repeat"):
                inside = [x for x in samples[name] if x[0] >= window_start]
                result["groups"][name] = summarise(inside, window_end - window_start)
            else:
                result["groups"][name] = summarise(samples[name], window_end - window_start)
        result["total_s"] = end - start
        for client in self.clients:
            await client.aclose()
        return result


def main() -> None:
    spec = json.load(sys.stdin)
    print(json.dumps(asyncio.run(Run(spec).run())))


if __name__ == "__main__":
    main()

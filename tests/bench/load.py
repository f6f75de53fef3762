"""The load generator: a separate Python process so its work never runs inside the
server. Reads a JSON spec on stdin, prints a JSON result on stdout.

It speaks HTTP/1.1 over asyncio streams itself (keep-alive, one connection per worker):
on a 2-core machine httpx's own CPU time capped the measurable rate at ~800 requests/s
for an empty response, so the generator, not the server, set the figures.

Spec::

    {"base_url": "http://127.0.0.1:8123",
     "clients": [{"cookies": {"sid": "..."}}, ...],        # each gets its CSRF cookie first
     "groups": [{"name": "views", "repeat": true,
                 "workers": [[{"m": "GET", "p": "/wishes/", "c": 0, "s": 200}], ...]}],
     "duration": 5.0,
     "base_urls": ["http://127.0.0.1:8123", "http://127.0.0.1:8124"]}  # optional

With ``base_urls`` (several app processes on one database) the workers take the servers
in turn: worker k talks to ``base_urls[k % n]``.

A client is a cookie jar (a person's session); a worker runs its steps in order with one
request in flight; a ``repeat`` group loops its steps until ``duration`` has passed, or,
when a finite group exists, until that one ends. Per group: requests, errors, rate,
latency percentiles; for repeating groups also the same figures restricted to the window
in which the finite groups ran.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any
from urllib.parse import urlencode, urlparse


class Response:
    def __init__(self, status: int, cookies: dict[str, str], body: bytes) -> None:
        self.status_code, self.cookies, self.body = status, cookies, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Connection:
    """One keep-alive HTTP/1.1 connection, reopened when the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, cookies: dict[str, str],
                      body: bytes = b"") -> Response:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if method != "GET":
            lines += ["Content-Type: application/x-www-form-urlencoded",
                      f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        try:
            return await self._read()
        except BaseException:
            self.close()
            raise

    async def _read(self) -> Response:
        assert self.reader is not None
        status = int((await self.reader.readline()).split(b" ", 2)[1])
        length, chunked, close, cookies = None, False, False, {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.lower() == "close":
                close = True
            elif name == "set-cookie":
                key, _, rest = value.partition("=")
                cookies[key.strip()] = rest.split(";", 1)[0]
        if chunked:
            parts = []
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            await self.reader.readline()
            body = b"".join(parts)
        elif length is not None:
            body = await self.reader.readexactly(length)
        else:
            body, close = await self.reader.read(), True
        if close:
            self.close()
        return Response(status, cookies, body)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


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
        urls = [urlparse(u) for u in spec.get("base_urls") or [spec["base_url"]]]
        self.servers = [(u.hostname or "127.0.0.1", u.port or 80) for u in urls]
        self.host, self.port = self.servers[0]
        self.stop = asyncio.Event()
        self.jars: list[dict[str, str]] = []
        self.error_samples: list[str] = []

    async def open_clients(self) -> None:
        connection = Connection(self.host, self.port)
        for c in self.spec["clients"]:
            jar = dict(c.get("cookies", {}))
            r = await connection.request("GET", "/login", jar)  # the CSRF cookie
            if r.status_code != 200:
                raise RuntimeError(f"GET /login answered {r.status_code}")
            jar.update(r.cookies)
            self.jars.append(jar)
        connection.close()

    async def step(self, connection: Connection, s: dict[str, Any]
                   ) -> tuple[float, float, bool]:
        jar = self.jars[s["c"]]
        started = time.perf_counter()
        try:
            body = b""
            if s["m"] != "GET":
                body = urlencode({**s.get("d", {}),
                                  "_csrf_token": jar.get("csrftoken", "")}).encode()
            r = await asyncio.wait_for(connection.request(s["m"], s["p"], jar, body), 30.0)
            jar.update(r.cookies)
            ok = r.status_code == s.get("s", 200)
            if not ok and len(self.error_samples) < 3:
                self.error_samples.append(f"{s['m']} {s['p']}: {r.status_code} {r.text[:200]}")
        except (OSError, ValueError, asyncio.IncompleteReadError, TimeoutError) as exc:
            ok = False
            if len(self.error_samples) < 3:
                self.error_samples.append(f"{s['m']} {s['p']}: {exc!r}")
        return started, (time.perf_counter() - started) * 1000, ok

    async def worker(self, steps: list[dict[str, Any]], repeat: bool,
                     out: list[tuple[float, float, bool]], index: int = 0) -> None:
        connection = Connection(*self.servers[index % len(self.servers)])
        try:
            while True:
                for s in steps:
                    if repeat and self.stop.is_set():
                        return
                    out.append(await self.step(connection, s))
                if not repeat:
                    return
        finally:
            connection.close()

    async def run(self) -> dict[str, Any]:
        await self.open_clients()
        groups = self.spec["groups"]
        samples: dict[str, list[tuple[float, float, bool]]] = {g["name"]: [] for g in groups}
        start = time.perf_counter()
        looping = [asyncio.create_task(self.worker(w, True, samples[g["name"]]))
                   for g in groups if g.get("repeat") for w in g["workers"]]
        await asyncio.sleep(self.spec.get("warmup", 0.0))
        window_start = time.perf_counter()
        finite = [self.worker(w, False, samples[g["name"]], k)
                  for g in groups if not g.get("repeat")
                  for k, w in enumerate(g["workers"])]
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
        return result


def main() -> None:
    spec = json.load(sys.stdin)
    print(json.dumps(asyncio.run(Run(spec).run())))


if __name__ == "__main__":
    main()

"""First page weight: the page a visitor opens first (/) with its CSS and JavaScript, each
gzip-compressed (level 6, as a web server would send them). Target ≤ 40 KB."""

from __future__ import annotations

import gzip
import re
import urllib.request

from tests.bench.common import Row, database, emit
from tests.live import Server

TARGET_KB = 40.0
ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]*href|script[^>]*src)="([^"]+)"')


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return bytes(response.read())


def main() -> list[Row]:
    import asyncio

    async def migrate() -> None:
        async with database():
            pass

    asyncio.run(migrate())
    server = Server().start()
    try:
        html = fetch(server.url + "/")
        parts = {"/": html}
        for href in ASSET.findall(html.decode()):
            parts[href] = fetch(server.url + href.split("?")[0] if href.startswith("/")
                                else href)
    finally:
        server.stop()
    sizes = {name: len(gzip.compress(body, 6)) for name, body in parts.items()}
    total_kb = sum(sizes.values()) / 1024
    detail = ", ".join(f"{name} {size / 1024:.1f}" for name, size in sizes.items())
    return [Row("first page weight (HTML+CSS+JS, gzip)", f"{total_kb:.1f} KB",
                f"≤ {TARGET_KB:.0f} KB", total_kb <= TARGET_KB, generator="urllib (1 request each)",
                note=detail)]


if __name__ == "__main__":
    emit(main())

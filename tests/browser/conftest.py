"""Browser tests: the real app served by uvicorn in its own process, driven by headless
Chromium through Playwright's async API.

Chromium is Debian's package found on PATH (never a downloaded build: don't run
``playwright install``). Without it the browser tests are skipped locally and fail in CI.

The tests are ``async def`` and Playwright runs on pytest-asyncio's session loop. Not the
sync API: it drives its own loop from a greenlet, and that loop stays registered as the
thread's running loop between calls, so every async test after the first browser test
failed with "Runner.run() cannot be called from a running event loop". For the same
reason ask for the async fixtures as test arguments, never with request.getfixturevalue().
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass

import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    ViewportSize,
    async_playwright,
)

from marketplace.community.tables import Building, Community, Grid
from marketplace.web.auth import SESSION_COOKIE
from tests.browser.pages import LANGUAGES
from tests.cast import Cast, build_cast
from tests.conftest import unique
from tests.live import Server

CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-gpu",
]
MOBILE: ViewportSize = {"width": 360, "height": 800}
DEFAULT_TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def live_server(database: None) -> Iterator[str]:
    """The app in a separate uvicorn process on a free port, sharing the test database."""
    try:
        server = Server().start()
    except RuntimeError as exc:
        pytest.fail(f"live server did not start: {exc}")
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the whole test session."""
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium missing in CI")
        pytest.skip("Chromium not installed: apt-get install chromium")
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=executable,
                                                   args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors and uncaught exceptions of every page the test opened."""
    return []


PageFactory = Callable[..., Awaitable[Page]]

# Chromium logs a document answered 409/422 as a failed load. Without JavaScript that is a
# refused form shown again with its errors (the status says so, issue 12): not an error of
# the page. Any other failed load, and the same status for a resource, still counts.
REFUSED_PAGE = re.compile(r"Failed to load resource: the server responded with a status of "
                          r"(409|422)\b")


@pytest.fixture
async def make_page(browser: Browser, live_server: str,
                    console_errors: list[str]) -> AsyncIterator[PageFactory]:
    """Factory: a fresh context (cookies, storage) and page; all closed after the test."""
    contexts: list[BrowserContext] = []

    async def make(*, java_script_enabled: bool = True,
                   viewport: ViewportSize | None = None, locale: str = "en-US") -> Page:
        context = await browser.new_context(
            base_url=live_server, viewport=viewport or MOBILE, locale=locale,
            java_script_enabled=java_script_enabled,
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        page = await context.new_page()

        def on_console(msg: ConsoleMessage) -> None:
            url = msg.location.get("url", "")
            if msg.type != "error":
                return
            if url == page.url and REFUSED_PAGE.search(msg.text):
                return  # a refused form (JavaScript off) shown again with a 409/422 status
            console_errors.append(f"console: {msg.text} ({url})")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: console_errors.append(f"pageerror: {exc}"))
        return page

    yield make
    for context in contexts:
        await context.close()


@pytest.fixture
async def page(make_page: PageFactory) -> Page:
    """A page at 360x800, English, JavaScript on."""
    return await make_page()


@pytest.fixture
async def page_nojs(make_page: PageFactory) -> Page:
    """A page at 360x800, English, JavaScript off (the plain-HTML path)."""
    return await make_page(java_script_enabled=False)


@dataclass(frozen=True)
class Place:
    community_id: int
    community_name: str
    grid_id: int
    building_id: int


@pytest.fixture(scope="session")
async def place(database: None) -> Place:
    """A community with one grid and building for browser users to register into."""
    name = unique("Browser community ")
    c = await Community.insert(Community(name=name)).returning(Community.id)
    cid = int(c[0]["id"])
    g = await Grid.insert(Grid(community=cid, name="Grid A")).returning(Grid.id)
    gid = int(g[0]["id"])
    b = await Building.insert(Building(grid=gid, name="Building 1")).returning(Building.id)
    return Place(cid, name, gid, int(b[0]["id"]))


async def scroll_width(page: Page) -> int:
    """The document's full width in CSS pixels: more than the viewport means sideways scroll."""
    return int(await page.evaluate("document.documentElement.scrollWidth"))


@pytest.fixture(scope="session")
async def cast(database: None) -> Cast:
    """Every role signed in, with wishes in the states the main pages show."""
    return await build_cast()


async def visit(make_page: PageFactory, live_server: str, cast: Cast, role: str, path: str,
                lang: str, width: int = 360) -> Page:
    """Open a main page as ``role`` (session cookie) in ``lang`` at ``width`` CSS pixels."""
    page = await make_page(viewport={"width": width, "height": 800}, locale=LANGUAGES[lang])
    if role != "anonymous":
        await page.context.add_cookies(
            [{"name": SESSION_COOKIE, "value": cast.tokens[role], "url": live_server}])
    response = await page.goto(path.format(**cast.ids))
    assert response is not None
    assert response.status < 500, f"{path} as {role}: HTTP {response.status}"
    if role != "anonymous":
        assert "/login" not in page.url, f"{path} as {role} was sent to sign in"
    return page

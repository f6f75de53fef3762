"""Issue 15, "Done means": every main page (tests/browser/pages.py) in Chinese and English,
in the standard view and in elder mode (长辈版), at 360 px and 1280 px: no sideways scroll,
no word or date broken across lines, every button and standalone link at least the mode's
tap target, body text at least the mode's size and line spacing, contrast at least the
mode's ratio, no browser console error.

One browser for the session and one context per mode, language and width; each page is
measured by one script (tests/browser/measure.py). The report lists every problem of every
page, so one run shows all that is left.
"""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, ConsoleMessage

from marketplace.settings import ROOT
from marketplace.web.auth import ELDER_COOKIE, SESSION_COOKIE
from tests.browser.conftest import DEFAULT_TIMEOUT_MS, REFUSED_PAGE
from tests.browser.measure import ELDER, MEASURE, STANDARD, limits_arg
from tests.browser.pages import LANGUAGES, main_pages, page_id
from tests.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.layout]

REPORTS = ROOT / "var" / "layout"
SCREENS = ROOT / "var" / "screens" / "elder"
MODES = {"standard": STANDARD, "elder": ELDER}


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("mode", list(MODES))
async def test_every_main_page_meets_the_modes_figures(
        mode: str, lang: str, width: int, browser: Browser, live_server: str,
        cast: Cast) -> None:
    limits = limits_arg(MODES[mode])
    context = await browser.new_context(base_url=live_server, locale=LANGUAGES[lang],
                                        viewport={"width": width, "height": 800})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    await context.add_cookies([{"name": ELDER_COOKIE, "value": "1" if mode == "elder" else "0",
                                "url": live_server}])
    page = await context.new_page()
    errors: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error" and not REFUSED_PAGE.search(msg.text) \
                and "status of 404" not in msg.text:
            errors.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    report: list[str] = []
    try:
        for role, template in main_pages():
            await context.clear_cookies(name=SESSION_COOKIE)
            if role != "anonymous":
                await context.add_cookies([{"name": SESSION_COOKIE, "value": cast.tokens[role],
                                            "url": live_server}])
            path = template.format(**cast.ids)
            errors.clear()
            response = await page.goto(path)
            assert response is not None and response.status < 500, f"{path} as {role}"
            problems = await page.evaluate(MEASURE, limits) + [f"console: {e}" for e in errors]
            if mode == "elder" and width == 360:  # the standard view's are test_screens'
                SCREENS.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=SCREENS / f"{page_id(role, template)}-{lang}.png",
                                      full_page=True)
            report += [f"{role} {template}: {p}" for p in problems]
    finally:
        await context.close()
    # The whole list on disk too (git-ignored var/): easier to read than the assertion.
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"layout-{mode}-{lang}-{width}.txt").write_text("\n".join(report) + "\n")
    assert report == [], f"{mode} {lang} {width}px: {len(report)} problems\n" + "\n".join(report)

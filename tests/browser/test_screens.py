"""Screenshots of every main page at 360 px and 1280 px, in Chinese and English, saved to
var/screens/ (git-ignored) for a person to look at; at 360 px no page may scroll sideways.
"""

from __future__ import annotations

import pytest

from marketplace.settings import ROOT
from tests.browser.conftest import PageFactory, scroll_width, visit
from tests.browser.pages import LANGUAGES, main_pages, page_id
from tests.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.layout]

SCREENS = ROOT / "var" / "screens"
PHONE, DESKTOP = 360, 1280


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize(("role", "path"), main_pages(),
                         ids=[page_id(r, p) for r, p in main_pages()])
async def test_screenshot_and_no_sideways_scroll(
        role: str, path: str, lang: str, width: int, make_page: PageFactory,
        live_server: str, cast: Cast) -> None:
    page = await visit(make_page, live_server, cast, role, path, lang, width)
    SCREENS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=SCREENS / f"{page_id(role, path)}-{lang}-{width}.png",
                          full_page=True)
    if width == PHONE:
        wide = await scroll_width(page)
        assert wide <= PHONE, f"{path} as {role} ({lang}) is {wide}px wide at {PHONE}px"

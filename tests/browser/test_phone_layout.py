"""Phone layouts of the pages people read line by line or hold up at the till (issue 15):
statements are stacked rows below 600 px and tables above, with no date, time or figure
broken across lines; the exchange code and its QR fill the first screen of a 360×640 phone.
"""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from marketplace.settings import ROOT
from tests.browser.conftest import PageFactory, scroll_width, visit
from tests.browser.pages import LANGUAGES
from tests.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.layout]

SCREENS = ROOT / "var" / "screens"
STATEMENTS = [
    ("resident", "/points"),
    ("helper", "/me/record"),
    ("merchant", "/merchant/{merchant}/statement"),
    ("staff", "/settlements/{settlement}"),
    ("staff", "/staff/audit"),
    ("staff", "/staff/points/{resident}"),
]
# Lines of text per cell of a stacked row, and whether the header row is shown.
MEASURE = """() => {
  const lines = el => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].filter(r => r.width > 0)
                   .map(r => Math.round(r.top))).size;
  };
  const cells = [...document.querySelectorAll("table.rows td.when, table.rows td.num, .nowrap")];
  const head = document.querySelector("table.rows thead");
  return {
    cells: cells.length,
    broken: cells.filter(c => lines(c) > 1).map(c => c.textContent.trim()),
    headShown: head !== null && head.getBoundingClientRect().height > 2,
    rowDisplay: getComputedStyle(document.querySelector("table.rows tbody tr")).display,
  };
}"""


async def _measure(page: Page) -> dict[str, object]:
    return dict(await page.evaluate(MEASURE))


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize(("role", "path"), STATEMENTS)
async def test_statements_are_rows_on_a_phone_and_tables_on_a_tablet(
        role: str, path: str, lang: str, make_page: PageFactory, live_server: str,
        cast: Cast) -> None:
    phone = await visit(make_page, live_server, cast, role, path, lang, 360)
    found = await _measure(phone)
    assert found["cells"], f"{path}: no dated or numbered cell to check"
    assert found["broken"] == [], f"{path} ({lang}) at 360 px breaks {found['broken']}"
    assert not found["headShown"] and found["rowDisplay"] == "flex"
    assert await scroll_width(phone) <= 360
    tablet = await visit(make_page, live_server, cast, role, path, lang, 800)
    found = await _measure(tablet)
    assert found["broken"] == [], f"{path} ({lang}) at 800 px breaks {found['broken']}"
    assert found["headShown"] and found["rowDisplay"] == "table-row"


@pytest.mark.parametrize("lang", list(LANGUAGES))
async def test_the_code_and_its_qr_fill_the_first_screen(
        lang: str, make_page: PageFactory, live_server: str, cast: Cast,
        console_errors: list[str]) -> None:
    page = await visit(make_page, live_server, cast, "resident",
                       "/rewards/codes/{code_active}", lang, 360)
    await page.set_viewport_size({"width": 360, "height": 640})
    SCREENS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=SCREENS / f"till-{lang}-360x640.png")
    code = await page.locator(".code-text").bounding_box()
    qr = await page.locator(".till .qr").bounding_box()
    title = await page.locator(".code-card h1").bounding_box()
    cancel = await page.get_by_role("button", name="取消兑换码" if lang == "zh"
                                    else "Cancel the code").bounding_box()
    assert code and qr and title and cancel
    assert code["y"] + code["height"] <= 640 and qr["y"] + qr["height"] <= 640
    assert qr["width"] >= 240, f"the QR code is only {qr['width']} px wide"
    assert title["y"] >= qr["y"] + qr["height"] and cancel["y"] > title["y"]
    digits = await page.locator(".code-text").evaluate(
        "el => [parseFloat(getComputedStyle(el).fontSize), getComputedStyle(el).color,"
        " getComputedStyle(el.closest('.till')).backgroundColor]")
    assert digits[0] >= 40, f"code digits {digits[0]} px"
    assert digits[1:] == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    assert console_errors == []  # the countdown and the screen wake lock run quietly


async def test_an_offline_page_when_the_network_drops(
        make_page: PageFactory, live_server: str, cast: Cast) -> None:
    page = await visit(make_page, live_server, cast, "resident", "/points", "zh", 360)
    # the worker installs, keeps the offline page and takes over the open page
    await page.evaluate("""async () => {
      await navigator.serviceWorker.ready;
      while (!navigator.serviceWorker.controller) await new Promise(r => setTimeout(r, 50));
    }""")
    await page.context.set_offline(True)
    await page.goto("/wishes/")
    await expect(page.get_by_role("heading", level=1)).to_have_text("网络已断开")
    assert "/logout" not in await page.content()  # the offline page, no one's own page
    await page.context.set_offline(False)
    await page.get_by_role("link", name="重试").click()
    await expect(page.get_by_role("heading", level=1)).not_to_have_text("网络已断开")

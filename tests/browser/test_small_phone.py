"""What got in the way on a 360 px phone in Chinese (a walk through each role's journey):
a long choice's text fell under its radio button, a claim's deadline stood a part a line,
a shop owner's menu took two rows, the exchange code ran past its frame in elder mode,
the dashboard's stage times, a holiday week's dates and a wish card's "第一网格" broke in the
middle."""

from __future__ import annotations

import pytest
from playwright.async_api import Page

from marketplace.community.tables import Building, Community, Grid
from marketplace.rewards import service as rewards
from marketplace.web.auth import ELDER_COOKIE, SESSION_COOKIE
from marketplace.wishes import service as wishes
from tests.browser.conftest import PageFactory, scroll_width, visit
from tests.cast import Cast, session_token
from tests.conftest import World, unique

pytestmark = [pytest.mark.browser, pytest.mark.layout]

# Lines an element's text takes on screen (one per distinct top of its text boxes).
LINES = """el => { const r = document.createRange(); r.selectNodeContents(el);
  return new Set([...r.getClientRects()].filter(b => b.width > 0)
                 .map(b => Math.round(b.top))).size; }"""


async def _lines(page: Page, selector: str) -> list[int]:
    return list(await page.locator(selector).evaluate_all(f"els => els.map({LINES})"))


async def test_a_long_choice_wraps_beside_its_radio_button(
        make_page: PageFactory, live_server: str, cast: Cast) -> None:
    page = await visit(make_page, live_server, cast, "resident", "/me/", "zh")
    label = page.locator("#helper label.check").filter(has_text="党员")
    radio = await label.locator("input").bounding_box()
    text = await label.locator(".check-text").bounding_box()
    assert radio and text
    assert await _lines(page, "#helper label.check:has([value=party_member]) .check-text") == [2]
    # beside the radio, starting on its line, not on a line of its own below it
    assert text["x"] >= radio["x"] + radio["width"]
    assert text["y"] <= radio["y"] + radio["height"] and radio["y"] <= text["y"] + text["height"]


async def test_a_claims_deadline_stays_on_the_line_of_its_wish(
        make_page: PageFactory, live_server: str, cast: Cast) -> None:
    page = await visit(make_page, live_server, cast, "helper", "/", "zh")
    claim = page.locator(".tile > span").filter(has_text="前完成")
    assert await claim.count() >= 1
    # title · date time 前完成: two lines at most, the date and the time each whole
    assert await claim.first.evaluate(LINES) <= 2
    assert await claim.first.locator(".nowrap").evaluate_all(
        "els => els.map(e => getComputedStyle(e).display)") == ["inline", "inline"]


async def test_a_shop_owners_menu_keeps_one_row(
        make_page: PageFactory, live_server: str, cast: Cast) -> None:
    page = await visit(make_page, live_server, cast, "merchant", "/merchant/", "zh")
    tops = await page.locator(".nav li").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))")
    assert len(tops) == 6 and len(set(tops)) == 1, tops
    assert await page.locator(".nav a[aria-current=page]").inner_text() == "店铺"


async def test_the_exchange_code_stays_inside_its_frame_in_elder_mode(
        make_page: PageFactory, live_server: str, cast: Cast) -> None:
    page = await make_page(viewport={"width": 360, "height": 740}, locale="zh-CN")
    await page.context.add_cookies([
        {"name": SESSION_COOKIE, "value": cast.tokens["resident"], "url": live_server},
        {"name": ELDER_COOKIE, "value": "1", "url": live_server}])
    # a code of its own: the cast's may have been renewed or cancelled by an earlier test
    resident = cast.people["resident"]
    code = await rewards.issue(resident, cast.ids["offer"])
    try:
        await page.goto(f"/rewards/codes/{code['id']}")
        box = await _till_box(page)
    finally:
        await rewards.cancel(resident, code["id"])
    assert box["left"] >= 2 and box["right"] >= 2, box  # not over the black frame
    assert box["size"] >= 40


async def _till_box(page: Page) -> dict[str, float]:
    assert await page.evaluate("document.documentElement.classList.contains('elder')")
    box = await page.evaluate("""() => {
      const code = document.querySelector('.till .code-text'), r = document.createRange();
      r.selectNodeContents(code);
      const text = r.getBoundingClientRect(), till = code.closest('.till').getBoundingClientRect();
      return {left: text.left - till.left, right: till.right - text.right,
              size: parseFloat(getComputedStyle(code).fontSize)};
    }""")
    return dict(box)


async def test_the_dashboards_stage_times_are_rows_with_whole_figures(
        make_page: PageFactory, live_server: str, cast: Cast) -> None:
    page = await visit(make_page, live_server, cast, "staff", "/staff/reports", "zh")
    figures = "table.rows tr[data-stage] td.num"
    assert await page.locator(figures).count() == 12
    assert set(await _lines(page, figures)) == {1}
    assert await page.locator("tr[data-stage=claim] td.num").first.get_attribute(
        "data-label") == "中位数"
    assert await scroll_width(page) <= 360


async def test_a_holiday_weeks_dates_stay_whole(
        make_page: PageFactory, live_server: str, cast: Cast) -> None:
    page = await visit(make_page, live_server, cast, "admin", "/admin/calendar/", "zh")
    await page.fill("#first", "2099-10-01")
    await page.fill("#last", "2099-10-07")
    await page.fill("#name", "国庆节")
    await page.get_by_role("button", name="保存日期").click()
    week = page.locator("main li").filter(has_text="2099-10-01")
    try:
        assert "（共 7 天）" in await week.inner_text()
        parts = week.locator(".nowrap")
        assert await parts.count() == 2
        assert await parts.evaluate_all(f"els => els.map({LINES})") == [1, 1]
    finally:  # other tests count working days: leave the calendar as it was
        await week.get_by_role("button", name="移除").click()
    assert await page.locator("main li").filter(has_text="2099-10-01").count() == 0


async def test_a_wish_cards_place_names_stay_whole_in_elder_mode(
        make_page: PageFactory, live_server: str) -> None:
    c = await Community.insert(Community(name=unique("悦河社区"))).returning(Community.id)
    g = await Grid.insert(Grid(community=c[0]["id"], name="第一网格")).returning(Grid.id)
    b = await Building.insert(Building(grid=g[0]["id"], name="12号楼")).returning(Building.id)
    world = World(int(c[0]["id"]), int(g[0]["id"]), int(b[0]["id"]))
    staff, owner = await world.person(staff=True), await world.person()
    helper = await world.person(helper=True)
    # categories of every length from one to eight characters: at least one card's line
    # ends inside the grid's or the building's name
    for n in range(1, 9):
        category = await wishes.add_category(staff, world.community_id, "修" * n, 5)
        await wishes.review(staff, await wishes.post_wish(
            owner, wishes.NewWish(category, "换灯泡")), True)
    page = await make_page(viewport={"width": 360, "height": 740}, locale="zh-CN")
    await page.context.add_cookies([
        {"name": SESSION_COOKIE, "value": await session_token(helper), "url": live_server},
        {"name": ELDER_COOKIE, "value": "1", "url": live_server}])
    await page.goto(f"/wishes?grid={world.grid_id}")
    split = await page.evaluate("""() => {
      const split = [];
      for (const meta of document.querySelectorAll('.wish-card .meta')) {
        const walk = document.createTreeWalker(meta, NodeFilter.SHOW_TEXT);
        for (let t = walk.nextNode(); t; t = walk.nextNode()) {
          for (const name of ['第一网格', '12号楼']) {
            const at = t.data.indexOf(name);
            if (at < 0) continue;
            const r = document.createRange(); r.setStart(t, at); r.setEnd(t, at + name.length);
            const tops = new Set([...r.getClientRects()].map(b => Math.round(b.top)));
            if (tops.size > 1) split.push(name);
          }
        }
      }
      return split;
    }""")
    assert await page.locator(".wish-card").count() == 8
    assert split == []


async def test_where_the_points_go_on_closing_is_readable_in_its_box(
        make_page: PageFactory, live_server: str, cast: Cast) -> None:
    """Elder mode, 360 px: the closed select showed "退回社区（社区可以再奖励给别" and no more."""
    page = await make_page(viewport={"width": 360, "height": 740}, locale="zh-CN")
    await page.context.add_cookies([
        {"name": SESSION_COOKIE, "value": cast.tokens["helper"], "url": live_server},
        {"name": ELDER_COOKIE, "value": "1", "url": live_server}])
    await page.goto("/me/close")
    fits = await page.locator("#gift_to").evaluate("""select => {
      const probe = document.createElement('span'), s = getComputedStyle(select);
      probe.style.font = s.font; probe.style.whiteSpace = 'nowrap';
      probe.textContent = select.options[select.selectedIndex].text;
      document.body.append(probe);
      const text = probe.getBoundingClientRect().width; probe.remove();
      // room for the text: the box less its padding and the arrow (about 1.5em)
      const room = select.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)
                   - 1.5 * parseFloat(s.fontSize);
      return [select.options[select.selectedIndex].text, text <= room];
    }""")
    assert fits == ["退回社区", True]
    assert "退回后社区可以再奖励给别人" in await page.locator("#gift_to-hint").inner_text()

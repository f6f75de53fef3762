"""Smoke test in a real browser: register, sign in, see the home page, sign out — with
JavaScript (htmx) and without (plain HTML forms), on a 360 px wide phone screen."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import MOBILE, PageFactory, Place, scroll_width
from tests.conftest import PASSWORD, unique

pytestmark = pytest.mark.browser


async def assert_fits(page: Page) -> None:
    width = await scroll_width(page)
    assert width <= MOBILE["width"], f"{page.url} scrolls sideways: {width}px wide"


@pytest.fixture
async def any_page(js: bool, make_page: PageFactory) -> Page:
    """The page with JavaScript on (htmx) or off (plain HTML forms), as parametrized."""
    return await make_page(java_script_enabled=js)


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
async def test_register_sign_in_sign_out(js: bool, any_page: Page, live_server: str,
                                         place: Place, console_errors: list[str]) -> None:
    page = any_page
    name = f"Browser {unique('n')}"
    login = unique("b")

    # Register.
    await page.goto("/register")
    await expect(page.locator("h1")).to_have_text("Create an account")
    await assert_fits(page)
    await page.fill("#display_name", name)
    await page.fill("#login", login)
    await page.fill("#password", PASSWORD)
    await page.fill("#password2", PASSWORD)
    if js:
        # Choosing a community makes htmx reload the grid and building lists: wait for it.
        async with page.expect_response(re.compile(r"/register\?community=")):
            await page.select_option("#community", str(place.community_id))
        await expect(page.locator("#community")).to_have_value(str(place.community_id))
    else:
        await page.select_option("#community", str(place.community_id))
    await page.check("#agree_notice")  # the privacy notice, agreed (required)
    await page.get_by_role("button", name="Create my account").click()

    # Signed in at once: the home page greets the newcomer.
    await expect(page).to_have_url(f"{live_server}/")
    await expect(page.locator("#flash-area .flash-success")).to_have_text(
        f"Your account is ready. Welcome, {name}.")
    await expect(page.locator("h1")).to_have_text(f"Hello, {name}")
    await assert_fits(page)

    # Sign out, under "Me".
    await page.locator(".site-header nav").get_by_role("link", name="Me", exact=True).click()
    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(f"{live_server}/login")
    await expect(page.locator("#flash-area .flash-success")).to_have_text(
        "You have signed out.")
    await expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    # Sign in again.
    await page.fill("#login", login)
    await page.fill("#password", PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(f"{live_server}/")
    await expect(page.locator("h1")).to_have_text(f"Hello, {name}")
    me_link = page.locator(".site-header nav").get_by_role("link", name="Me", exact=True)
    await expect(me_link).to_be_visible()

    assert console_errors == []

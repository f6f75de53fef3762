"""The footer's language switch brings the reader back to the page they were on, query
and all (a filtered list stays filtered): without JavaScript from the page's own ``next``
field, with htmx from the address bar as it is now."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.conftest import PageFactory

pytestmark = pytest.mark.browser


async def test_switching_language_keeps_the_page_and_its_query(
        make_page: PageFactory, console_errors: list[str]) -> None:
    plain = await make_page(java_script_enabled=False)
    await plain.goto("/login?next=/points")
    await plain.locator(".lang-switch").get_by_role("button", name="中文").click()
    await expect(plain.locator("html")).to_have_attribute("lang", "zh-Hans")
    assert plain.url.endswith("/login?next=/points")

    smooth = await make_page()
    await smooth.goto("/login?next=/points")
    # What an htmx filter does to the address bar after the page was drawn.
    await smooth.evaluate("history.pushState({}, '', '/login?next=/rewards')")
    await smooth.locator(".lang-switch").get_by_role("button", name="中文").click()
    await expect(smooth).to_have_url(re.compile(r"/login\?next=/rewards$"))
    await expect(smooth.locator("html")).to_have_attribute("lang", "zh-Hans")
    await smooth.locator(".lang-switch").get_by_role("button", name="English").click()
    await expect(smooth.locator("html")).to_have_attribute("lang", "en")
    assert smooth.url.endswith("/login?next=/rewards")
    assert console_errors == []

"""In a real browser: a resident gets a code, the cashier redeems it, both see the receipt —
with JavaScript (htmx, countdown) and without (plain forms)."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import PageFactory
from tests.conftest import PASSWORD, World
from tests.rewards.helpers import resident, shop

pytestmark = pytest.mark.browser


async def _sign_in(page: Page, login: str) -> None:
    await page.goto("/login")
    await page.fill("#login", login)
    await page.fill("#password", PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
async def test_resident_gets_code_merchant_redeems_both_see_receipt(
        js: bool, make_page: PageFactory, world: World, console_errors: list[str]) -> None:
    s = await shop(world, price=12, stock=3)
    person = await resident(world, 50, name="Browser Resident")
    res_page = await make_page(java_script_enabled=js)
    shop_page = await make_page(java_script_enabled=js)

    await _sign_in(res_page, person.login)
    await res_page.goto("/rewards")
    await res_page.get_by_role("link", name="Bag of rice").click()
    await res_page.get_by_role("button", name="Get code").click()
    code = res_page.locator(".code-text")
    await expect(code).to_have_text(re.compile(r"^[2-9A-Z]{4}-[2-9A-Z]{4}$"))
    await expect(res_page.locator("img.qr")).to_be_visible()
    if js:  # the countdown ticks: m:ss
        await expect(res_page.locator(".countdown")).to_have_text(
            re.compile(r"\(\d+:\d\d\)"))
    typed = (await code.text_content() or "").strip()

    await _sign_in(shop_page, s.owner.login)
    await shop_page.goto(f"/merchant/{s.merchant_id}/redeem")
    await shop_page.fill("#code", "2222-2222")
    await shop_page.get_by_role("button", name="Check code").click()
    await expect(shop_page.locator(".field-error")).to_contain_text("not a valid code")
    await shop_page.fill("#code", typed.lower())
    await shop_page.get_by_role("button", name="Check code").click()
    await expect(shop_page.get_by_text("Browser Resident")).to_be_visible()
    await shop_page.get_by_role("button", name="Confirm and hand over").click()
    await expect(shop_page.locator("h1")).to_have_text("Receipt")
    await expect(shop_page.locator("#receipt")).to_contain_text("Bag of rice")

    await res_page.reload()
    await expect(res_page.locator("h1")).to_have_text("Receipt")
    await expect(res_page.locator("#receipt")).to_contain_text("12")
    assert console_errors == []

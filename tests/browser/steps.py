"""Steps the browser tests share: signing in and reading what a person sees."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.conftest import PASSWORD


async def sign_in(page: Page, login: str) -> None:
    """Sign in through the form, as a person would, and wait for the signed-in header."""
    await page.goto("/login")
    await page.fill("#login", login)
    await page.fill("#password", PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()


async def flash(page: Page, text: str) -> None:
    """The green confirmation after an action says ``text``."""
    await expect(page.locator("#flash-area .flash-success")).to_contain_text(text)

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
    await expect(page.locator(".site-header nav").get_by_role(
        "link", name="Me", exact=True)).to_be_visible()


async def open_mine(page: Page, link: str) -> None:
    """Through "Me" in the header to one of one's own pages ("My points", "My wishes")."""
    await page.locator(".site-header nav").get_by_role("link", name="Me", exact=True).click()
    await page.locator("main").get_by_role("link", name=link, exact=True).click()


async def flash(page: Page, text: str) -> None:
    """The green confirmation after an action says ``text``."""
    await expect(page.locator("#flash-area .flash-success")).to_contain_text(text)

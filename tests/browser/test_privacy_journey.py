"""The privacy journey (issue 16) in a real browser, with JavaScript (htmx) and without:
a newcomer agrees to the privacy notice while registering, reads it from the footer,
downloads a copy of their data from Me, closes the account (注销),
and cannot sign in again."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import PageFactory, Place
from tests.browser.steps import flash
from tests.conftest import PASSWORD, unique

pytestmark = pytest.mark.browser


async def register(page: Page, place: Place, js: bool) -> tuple[str, str]:
    """A newcomer makes an account (signed in at once); their name and login."""
    name, login = f"Browser {unique('n')}", unique("b")
    await page.goto("/register")
    await page.fill("#display_name", name)
    await page.fill("#login", login)
    await page.fill("#password", PASSWORD)
    await page.fill("#password2", PASSWORD)
    if js:  # choosing a community reloads the grid list through htmx: wait for it
        async with page.expect_response(re.compile(r"/register\?community=")):
            await page.select_option("#community", str(place.community_id))
    else:
        await page.select_option("#community", str(place.community_id))
    await page.check("#agree_notice")  # required (the server refuses it missing too)
    await page.get_by_role("button", name="Create my account").click()
    await expect(page.locator("h1")).to_have_text(f"Hello, {name}")
    return name, login


async def read_the_notice(page: Page) -> None:
    """The footer leads to the notice: who runs the site, and the rights on Me."""
    await page.locator("footer").get_by_role("link", name="Privacy notice").click()
    await expect(page.locator("h1")).to_contain_text("Privacy")
    await expect(page.locator("main")).to_contain_text("Download my data")
    await page.go_back()


async def download_my_data(page: Page, name: str, folder: Path) -> None:
    """Me → Download my data: a ZIP whose data.json is about this person."""
    await page.locator(".site-header nav").get_by_role("link", name="Me", exact=True).click()
    async with page.expect_download() as waiting:
        await page.get_by_role("button", name="Download my data").click()
    download = await waiting.value
    saved = folder / "my-data.zip"
    await download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        data = json.loads(archive.read("data.json"))
    assert data["sections"]["profile"][0]["display_name"] == name
    assert [c["kind"] for c in data["sections"]["consents"]] == ["notice"]


async def close_account_from_me(page: Page) -> None:
    """Me → Close my account…, a wrong password first (refused at the field), then the
    right one."""
    await page.locator(".site-header nav").get_by_role("link", name="Me", exact=True).click()
    await page.get_by_role("link", name="Close my account…").click()
    await expect(page.locator("h1")).to_have_text("Close the account")
    await page.fill("#password", "not-my-password")
    await page.get_by_role("button", name="Close the account now").click()
    await expect(page.locator("#close-account")).to_contain_text("The password is not right.")
    await page.fill("#password", PASSWORD)
    await page.get_by_role("button", name="Close the account now").click()
    await flash(page, "Your account is closed")
    await expect(page.locator(".site-header nav").get_by_role(
        "link", name="Me", exact=True)).to_have_count(0)


async def cannot_sign_in(page: Page, login: str) -> None:
    await page.goto("/login")
    await page.fill("#login", login)
    await page.fill("#password", PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("main")).to_contain_text("Wrong login or password")


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
async def test_register_agree_download_and_close(
        js: bool, make_page: PageFactory, live_server: str, place: Place,
        console_errors: list[str], tmp_path: Path) -> None:
    page = await make_page(java_script_enabled=js)
    name, login = await register(page, place, js)
    await read_the_notice(page)
    await download_my_data(page, name, tmp_path)
    await close_account_from_me(page)
    await cannot_sign_in(page, login)
    assert console_errors == []

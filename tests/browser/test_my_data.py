"""PIPL Art. 45-46 in headless Chromium, with JavaScript and without: a resident downloads
their data from Me (a ZIP with their name in data.json), then corrects their phone — a
wrong one is refused at the field with what they typed kept."""

from __future__ import annotations

import json
import zipfile

import pytest
from playwright.async_api import expect

from tests.browser.conftest import PageFactory, Place
from tests.browser.steps import flash, sign_in
from tests.conftest import World, unique

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
async def test_a_resident_downloads_and_corrects_their_data(
        js: bool, make_page: PageFactory, live_server: str, place: Place,
        console_errors: list[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    world = World(place.community_id, place.grid_id, place.building_id)
    me = await world.person(name=unique("Auntie "))
    page = await make_page(java_script_enabled=js)
    await sign_in(page, me.login)
    await page.goto("/me")

    async with page.expect_download() as waiting:
        await page.get_by_role("button", name="Download my data").click()
    download = await waiting.value
    assert download.suggested_filename.startswith(f"my-data-{me.user_id}-")
    saved = tmp_path / "data.zip"
    await download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        data = json.loads(archive.read("data.json"))
    assert data["sections"]["profile"][0]["display_name"] == me.display_name

    await page.fill("#phone", "call me maybe")
    await page.fill("#address", "Room 8, Building 1")
    await page.locator("form[action='/me']").get_by_role("button", name="Save").click()
    await expect(page.locator("#phone-error")).to_contain_text("digits only")
    await expect(page.locator("#address")).to_have_value("Room 8, Building 1")
    await page.fill("#phone", "138 0000 5678")
    await page.locator("form[action='/me']").get_by_role("button", name="Save").click()
    await flash(page, "Your profile is saved.")
    await expect(page.locator("#phone")).to_have_value("13800005678")
    assert console_errors == []

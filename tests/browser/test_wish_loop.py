"""The whole micro-wish loop in headless Chromium, with JavaScript (htmx) and without:
a resident posts a wish with a photo, staff approve it, a helper claims and fulfils it,
the resident confirms, and the helper sees the points on /points."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from marketplace.wishes import service
from tests.browser.conftest import PageFactory, Place
from tests.browser.steps import sign_in
from tests.conftest import World, unique
from tests.pictures import PNG

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
async def test_post_approve_claim_fulfil_confirm_points(
        js: bool, make_page: PageFactory, live_server: str, place: Place,
        console_errors: list[str]) -> None:
    world = World(place.community_id, place.grid_id, place.building_id)
    resident, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    category = await service.add_category(staff, world.community_id, unique("Repairs "), 10)
    title = f"Fix the tap {unique('t')}"
    resident_page = await make_page(java_script_enabled=js)
    staff_page = await make_page(java_script_enabled=js)
    helper_page = await make_page(java_script_enabled=js)

    # The resident posts a wish with a photo.
    await sign_in(resident_page, resident.login)
    await resident_page.goto("/wishes/new")
    await resident_page.fill("#title", title)
    await resident_page.select_option("#category", str(category))
    await resident_page.fill("#description", "The kitchen tap drips all night.")
    # A file that is not a photo is refused next to the field, with what was typed kept.
    await resident_page.set_input_files("#photo", files=[
        {"name": "tap.png", "mimeType": "image/png", "buffer": b"not a photo"}])
    await resident_page.get_by_role("button", name="Post the wish").click()
    await expect(resident_page.locator("#photo-error")).to_contain_text("JPEG, PNG or WebP")
    await expect(resident_page.locator("#title")).to_have_value(title)
    await expect(resident_page.locator("#description")).to_have_value(
        "The kitchen tap drips all night.")
    await resident_page.set_input_files("#photo", files=[
        {"name": "tap.png", "mimeType": "image/png", "buffer": PNG}])
    await resident_page.get_by_role("button", name="Post the wish").click()
    await expect(resident_page).to_have_url(re.compile(rf"{live_server}/wishes/\d+$"))
    wish_url = resident_page.url.removeprefix(live_server)
    await expect(resident_page.locator("h1")).to_have_text(title)
    await expect(resident_page.locator("img.wish-photo")).to_be_visible()

    # Staff approve it from the review queue, with 12 points.
    await sign_in(staff_page, staff.login)
    await staff_page.goto("/staff/wishes")
    await staff_page.get_by_role("link", name=title).click()
    await staff_page.fill("#points", "12")
    await staff_page.get_by_role("button", name="Approve").click()
    await expect(staff_page.locator("#flash-area .flash-success")).to_contain_text("Approved")

    # A helper finds it among the open wishes and claims it from the card.
    await sign_in(helper_page, helper.login)
    await helper_page.goto("/wishes")
    card = helper_page.locator("article.wish-card", has_text=title)
    await card.get_by_role("button", name="Claim").click()
    await expect(helper_page).to_have_url(f"{live_server}{wish_url}")
    await expect(helper_page.locator("#flash-area .flash-success")).to_contain_text(
        "You claimed this wish")
    await helper_page.fill("#fulfil-note", "Replaced the washer")
    await helper_page.fill("#fulfil-hours", "1.5")
    await helper_page.get_by_role("button", name="Report done").click()
    await expect(helper_page.locator("#flash-area .flash-success")).to_contain_text("Thank you")

    # The resident confirms and rates.
    await resident_page.goto(wish_url)
    await expect(resident_page.locator(".facts")).to_contain_text("Replaced the washer")
    await resident_page.get_by_role("button", name="Confirm it is done").click()
    await expect(resident_page.locator("#flash-area .flash-success")).to_contain_text(
        "Confirmed")

    # The helper's points went up by the wish's value.
    await helper_page.goto("/points")
    await expect(helper_page.locator(".balance dd strong")).to_have_text("12")
    await helper_page.goto("/notifications")
    await expect(helper_page.locator("body")).to_contain_text("you earned 12 points")

    # Without JavaScript the refused form is a page answered 422, which Chromium logs.
    assert [e for e in console_errors if "status of 422" not in e] == []

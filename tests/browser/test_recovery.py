"""A resident who forgot the password: the sign-in page says where to get a code, staff
issue it and print the slip, the resident sets a new password and signs in (JS on)."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from marketplace.recovery import service as recovery
from tests.browser.conftest import PageFactory, Place
from tests.browser.steps import flash, sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser
NEW = "blue-kettle-on-the-stove"


async def test_forgotten_password_back_through_a_staff_reset_code(
        make_page: PageFactory, live_server: str, place: Place,
        console_errors: list[str]) -> None:
    world = World(place.community_id, place.grid_id, place.building_id)
    staff, resident = await world.person(staff=True), await world.person(name="Grandpa Zhao")
    await recovery.set_office(staff, place.community_id, "Service hall, Building 3",
                              "010-6543 2100", "Mon–Fri 9:00–17:00")

    # The resident cannot sign in and follows "Forgot your password?".
    page = await make_page()
    await page.goto("/login")
    await page.get_by_role("link", name="Forgot your password?").click()
    office = page.locator("section.office", has_text=place.community_name)
    await expect(office).to_contain_text("010-6543 2100")

    # At the office, staff issue a code and print the slip.
    desk = await make_page()
    await sign_in(desk, staff.login)
    await desk.goto(f"/staff/members/{resident.user_id}/reset-code")
    await desk.get_by_role("button", name="Issue a reset code").click()
    await flash(desk, "Reset code issued")
    code = await desk.locator(".code-text").inner_text()
    await expect(desk.locator(".board-qr svg")).to_be_visible()

    # The resident types the code from the slip and chooses a new password.
    await page.get_by_role("link", name="I have a reset code").click()
    await page.fill("#code", code.lower())
    await page.get_by_role("button", name="Continue").click()
    await expect(page.locator("h1")).to_have_text("Choose a new password")
    await page.fill("#password", NEW)
    await page.fill("#password2", NEW)
    await page.get_by_role("button", name="Set the new password").click()
    await flash(page, "Your new password is set")
    await page.fill("#login", resident.login)
    await page.fill("#password", NEW)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("h1")).to_have_text("Hello, Grandpa Zhao")
    assert console_errors == []

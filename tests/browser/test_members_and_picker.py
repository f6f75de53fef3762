"""Staff find a member and assign a helper by name, JavaScript on (the list follows the
search box, suggestions appear under the picker) and off (forms post; two people of one
name come back as a choice on the same page)."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.conftest import PageFactory
from tests.browser.steps import flash, sign_in
from tests.conftest import World, unique
from tests.wishes.helpers import open_wish

pytestmark = pytest.mark.browser
JS = pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])


@JS
async def test_staff_find_a_member_and_assign_a_helper_by_name(
        js: bool, make_page: PageFactory, live_server: str, world: World,
        console_errors: list[str]) -> None:
    staff = await world.person(staff=True)
    owner = await world.person(name=unique("Grandma Zhou "))
    surname = unique("Qian")
    first = await world.person(helper=True, name=f"{surname} Lan")
    await world.person(helper=True, name=f"{surname} Lan")  # the same name: a choice
    wish = await open_wish(world, owner, staff, title=f"Fix the lamp {unique('t')}")
    page = await make_page(java_script_enabled=js)
    await sign_in(page, staff.login)

    await page.goto("/staff")
    await page.locator("a.tile", has_text="Members").first.click()
    await page.fill("#q", owner.display_name)
    if not js:
        await page.get_by_role("button", name="Search").click()
    await expect(page.locator("#members")).to_contain_text(owner.display_name)
    await expect(page.locator("#members")).not_to_contain_text(first.display_name)
    await page.locator("#members").get_by_role("link", name=owner.display_name).click()
    await expect(page.locator("h1")).to_contain_text(owner.display_name)

    await page.goto(f"/wishes/{wish}")
    await page.fill("#assign-person", surname)
    if js:  # suggestions with each helper's open claims, before anything is sent
        await expect(page.locator("#assign-person-choices")).to_contain_text("open claims: 0")
    else:
        await page.get_by_role("button", name="Assign").click()
        await expect(page.locator("#action-error")).to_contain_text("Several people match")
        await expect(page.locator("#assign-person")).to_have_value(surname)
    await page.locator(f'input[name="person_id"][value="{first.user_id}"]').check()
    await page.get_by_role("button", name="Assign").click()
    await flash(page, "The helper has been assigned")
    await expect(page.locator("main")).to_contain_text(first.display_name)
    assert console_errors == []

"""街道兜底 in a browser: community staff escalate a wish nobody can serve; the street's
staff find it on their queue and assign a helper of another community of the street by
name (suggestions under the picker with JavaScript, a choice on the page without)."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.areas.setup import build_area
from tests.browser.conftest import PageFactory
from tests.browser.steps import flash, sign_in
from tests.cast import new_category, open_wish
from tests.conftest import unique

pytestmark = pytest.mark.browser
JS = pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])


@JS
async def test_escalate_and_the_street_assigns(js: bool, make_page: PageFactory,
                                               live_server: str,
                                               console_errors: list[str]) -> None:
    a = await build_area()
    title = unique("Fix the gas stove ")
    wish = await open_wish(a.resident, a.staff_one, await new_category(a.staff_one), title)
    surname = unique("Qian")
    chosen = await a.two.person(helper=True, name=f"{surname} Lan")
    await a.two.person(helper=True, name=f"{surname} Lan")  # the same name: a choice
    await a.other.person(helper=True, name=f"{surname} Other street")

    page = await make_page(java_script_enabled=js)
    await sign_in(page, a.staff_one.login)
    await page.goto(f"/wishes/{wish}")
    await page.get_by_text("Escalate to the street").first.click()
    await page.fill("#escalate-note", "Nobody here can fix gas stoves")
    await page.get_by_role("button", name="Escalate to the street").click()
    await flash(page, "Sent to the street")

    street = await make_page(java_script_enabled=js)
    await sign_in(street, a.street_staff.login)
    await street.goto(f"/street/{a.street_a}/queue")
    await street.get_by_role("link", name=title).click()
    await street.fill("#assign-person", surname)
    if js:
        choices = street.locator("#assign-person-choices")
        await expect(choices).to_contain_text(f"{surname} Lan")
        await expect(choices).not_to_contain_text("Other street")
    else:
        await street.get_by_role("button", name="Assign").click()
        await expect(street.locator("#assign-person")).to_have_value(surname)
    await street.locator(f'input[name="person_id"][value="{chosen.user_id}"]').check()
    await street.get_by_role("button", name="Assign").click()
    await flash(street, "The helper has been assigned")
    await expect(street.locator("main")).to_contain_text(chosen.display_name)
    assert console_errors == []

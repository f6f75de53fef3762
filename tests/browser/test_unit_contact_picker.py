"""District staff appoint a work unit's contact by name, JavaScript on (the people found
appear under the search box as it is typed) and off (the form comes back with them)."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from marketplace.accounts import sessions
from marketplace.accounts.tables import AreaStaffMembership
from marketplace.community.tables import Community, WorkUnit
from tests.browser.conftest import PageFactory
from tests.browser.steps import flash, sign_in
from tests.conftest import World, unique
from tests.workunits.conftest import make_district

pytestmark = pytest.mark.browser
JS = pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])


@JS
async def test_district_staff_appoint_a_contact_by_name(
        js: bool, make_page: PageFactory, live_server: str, world: World,
        console_errors: list[str]) -> None:
    district_id, street_id = await make_district()
    await Community.update({Community.street: street_id}).where(
        Community.id == world.community_id)
    unit = await WorkUnit.insert(WorkUnit(name=unique("单位 "), district=district_id,
                                          status="active")).returning(WorkUnit.id)
    unit_id = int(unit[0]["id"])
    staff = await world.person()
    await AreaStaffMembership.insert(AreaStaffMembership(user=staff.user_id,
                                                         district=district_id))
    staff = await sessions.load_principal(staff.user_id)
    surname = unique("Sun")
    chosen = await world.person(name=f"{surname} Li")
    await world.person(name=f"{surname} Li")  # the same name: told apart, then chosen
    page = await make_page(java_script_enabled=js)
    await sign_in(page, staff.login)

    await page.goto(f"/admin/work-units/{unit_id}")
    await page.fill("#contact-person", surname)
    if js:
        await expect(page.locator("#contact-person-choices")).to_contain_text("Grid A")
    else:
        await page.get_by_role("button", name="Appoint").click()
        await expect(page.locator("#contact-person-error")).to_contain_text(
            "Choose the person")
        await expect(page.locator("#contact-person")).to_have_value(surname)
    await page.locator(f'input[name="person_id"][value="{chosen.user_id}"]').check()
    await page.get_by_role("button", name="Appoint").click()
    await flash(page, "The contact is appointed")
    await expect(page.locator("main")).to_contain_text(f"{surname} Li")
    assert console_errors == []

"""红色代办 end to end in headless Chromium, with JavaScript (htmx) and without: staff make
an account for a resident who has no phone, post a wish for her, approve it; a helper
claims and fulfils it; staff confirm it with a rating on her behalf; then staff get an
exchange code with her points and print the code slip to hand to her.

The printed slip is the code slip (``/rewards/codes/{id}``): it is what an offline
resident carries to the shop; the wish itself needs no paper once it is confirmed."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from marketplace.ledger import service as ledger
from marketplace.wishes import service
from tests.browser.conftest import PageFactory, Place
from tests.browser.steps import flash, sign_in
from tests.conftest import World, unique
from tests.rewards.helpers import shop

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
async def test_staff_act_for_an_offline_resident_from_account_to_printed_slip(
        js: bool, make_page: PageFactory, live_server: str, place: Place,
        console_errors: list[str]) -> None:
    world = World(place.community_id, place.grid_id, place.building_id)
    staff, helper = await world.person(staff=True), await world.person(helper=True)
    category = await service.add_category(staff, world.community_id, unique("Errands "), 10)
    the_shop = await shop(world, price=6, name=unique("Corner shop "))
    granny, title = unique("Granny Sun "), f"Change the light tube {unique('t')}"
    staff_page = await make_page(java_script_enabled=js)
    helper_page = await make_page(java_script_enabled=js)

    # Staff make the account: no password, no phone; a refused form keeps what was typed.
    await sign_in(staff_page, staff.login)
    await staff_page.goto("/staff/members/new")
    await staff_page.fill("#display_name", "   ")  # past the browser's check, not ours
    await staff_page.fill("#address", "Unit 3, flat 501")
    await staff_page.get_by_role("button", name="Make the account").click()
    await expect(staff_page.locator("#display_name-error")).to_contain_text(
        "Please enter a display name")
    await expect(staff_page.locator("#address")).to_have_value("Unit 3, flat 501")
    await staff_page.fill("#display_name", granny)
    await staff_page.select_option("#grid", str(world.grid_id))
    await staff_page.get_by_role("button", name="Make the account").click()
    await flash(staff_page, "The account is made")
    await expect(staff_page.locator("h1")).to_have_text(granny)
    granny_id = int(re.search(r"/staff/members/(\d+)/", staff_page.url)[1])

    # … post a wish for her, and approve it.
    await staff_page.get_by_role("link", name="Post a wish for them").click()
    await expect(staff_page.locator("form#wish-form")).to_contain_text(
        f"You are posting for {granny}.")
    await staff_page.fill("#title", title)
    await staff_page.select_option("#category", str(category))
    await staff_page.get_by_role("button", name="Post the wish").click()
    await expect(staff_page).to_have_url(re.compile(rf"{live_server}/wishes/\d+$"))
    wish_url = staff_page.url.removeprefix(live_server)
    await expect(staff_page.locator(".timeline")).to_contain_text(
        f"Done for {granny} by {staff.display_name}.")
    await staff_page.get_by_role("button", name="Approve").click()
    await flash(staff_page, "Approved")

    # A helper claims and fulfils it; the address given at the office is shown to them.
    await sign_in(helper_page, helper.login)
    await helper_page.goto(wish_url)
    await helper_page.get_by_role("button", name="Claim this wish").click()
    await flash(helper_page, "You claimed this wish")
    await expect(helper_page.locator(".facts")).to_contain_text("Unit 3, flat 501")
    await helper_page.fill("#fulfil-note", "New tube fitted")
    await helper_page.fill("#fulfil-hours", "0.5")
    await helper_page.get_by_role("button", name="Report done").click()
    await flash(helper_page, "Thank you")

    # Staff confirm it with four stars on her behalf: the helper is paid.
    await staff_page.goto(wish_url)
    await expect(staff_page.locator(".actions-card")).to_contain_text(
        f"You act for {granny} here")
    await staff_page.locator("label.rating-option", has_text="★★★★☆").click()
    await staff_page.fill("#comment", "She says thank you")
    await staff_page.get_by_role("button", name="Confirm it is done").click()
    await flash(staff_page, "Confirmed")
    await expect(staff_page.locator(".facts")).to_contain_text("★★★★☆ She says thank you")
    await expect(staff_page.locator(".timeline li").last).to_contain_text(
        f"Done for {granny} by {staff.display_name}.")
    assert (await ledger.balance(helper.user_id)).balance == 10

    # With points she earned at a clean-up day, staff get her an exchange code and print
    # the slip to hand over.
    await ledger.award(world.community_id, granny_id, 20, "activity", "browser", None,
                       "Clean-up day", unique("browser:"))
    await staff_page.goto(f"/rewards/offers/{the_shop.offer_id}?who={granny_id}")
    await expect(staff_page.locator("main")).to_contain_text(
        f"You are acting for {granny}: the code uses their points.")
    await staff_page.get_by_role("button", name="Get code").click()
    await expect(staff_page).to_have_url(re.compile(rf"{live_server}/rewards/codes/\d+$"))
    await expect(staff_page.locator(".code-for")).to_have_text(f"For {granny}")
    await staff_page.emulate_media(media="print")
    await expect(staff_page.locator(".code-text")).to_be_visible()
    await expect(staff_page.locator(".qr")).to_be_visible()
    await expect(staff_page.get_by_role("button", name="Cancel the code")).to_be_hidden()
    await expect(staff_page.locator(".site-header")).to_be_hidden()
    assert (await ledger.balance(granny_id)).available == 14

    # Without JavaScript the refused form is a page answered 422, which Chromium logs.
    assert [e for e in console_errors if "status of 422" not in e] == []

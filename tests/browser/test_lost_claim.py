"""A claim someone else got first: with JavaScript the card says so in place of its
button (no page load); without, the list of open wishes says so."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from marketplace.wishes import service as wishes
from tests.browser.conftest import PageFactory
from tests.browser.steps import sign_in
from tests.conftest import World, unique
from tests.wishes.helpers import open_wish

pytestmark = pytest.mark.browser
JS = pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
TAKEN = "already been claimed"


@JS
async def test_a_lost_claim_is_told_without_the_whole_wish_page(
        js: bool, make_page: PageFactory, live_server: str, world: World,
        console_errors: list[str]) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    quicker, helper = await world.person(helper=True), await world.person(helper=True)
    title = f"Carry rice {unique('t')}"
    wish_id = await open_wish(world, owner, staff, title=title)
    page = await make_page(java_script_enabled=js)
    await sign_in(page, helper.login)
    await page.goto("/wishes/")
    card = page.locator("article.wish-card", has_text=title)
    await wishes.claim(quicker, wish_id)  # while the list is open
    await card.get_by_role("button", name="Claim").click()
    if js:
        await expect(card.get_by_role("alert")).to_contain_text(TAKEN)
        await expect(page).to_have_url(f"{live_server}/wishes/")
    else:
        await expect(page.locator("#flash-area .flash-error")).to_contain_text(TAKEN)
        await expect(page).to_have_url(f"{live_server}/wishes")
        await expect(page.locator("article.wish-card", has_text=title)).to_have_count(0)
    assert console_errors == []

"""Staff deciding from the review queue: with JavaScript the decided wish leaves the
queue in place (its card with the "waiting for review" tag goes too) and the heading's
count follows; a refused try keeps the card and says so at the field. Without
JavaScript the queue comes back without it."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from marketplace.wishes import service as wishes
from tests.browser.conftest import PageFactory
from tests.browser.steps import sign_in
from tests.conftest import World, unique

pytestmark = pytest.mark.browser
JS = pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])


@JS
async def test_an_approved_wish_leaves_the_queue_and_the_count_follows(
        js: bool, make_page: PageFactory, live_server: str, world: World,
        console_errors: list[str]) -> None:
    staff = await world.person(staff=True)
    category = await wishes.add_category(staff, world.community_id, unique("Repairs"), 10)
    first, second = unique("Mend the fence"), unique("Carry the shopping")
    for title in (first, second):
        await wishes.post_wish(await world.person(), wishes.NewWish(category, title))
    page = await make_page(java_script_enabled=js)
    await sign_in(page, staff.login)
    await page.goto(f"/staff/wishes/?community_id={world.community_id}")
    heading = page.locator("#pending h2")
    await expect(heading).to_contain_text("(2)")
    item = page.locator(".queue-item", has_text=first)

    if js:
        # A reject without a reason is refused at the field; the card stays.
        await item.locator("summary").click()
        await item.get_by_role("button", name="Reject", exact=True).click()
        await expect(item.locator(".field-error")).to_contain_text("tell the resident why")
        await expect(item.locator("article.wish-card")).to_be_visible()

    await item.get_by_role("button", name="Approve").click()
    if js:
        await expect(item.get_by_role("status")).to_contain_text("Approved")
        await expect(item.get_by_role("status")).to_be_focused()  # not lost to <body>
        await expect(item.locator("article.wish-card")).to_have_count(0)
        await expect(item.get_by_role("button")).to_have_count(0)
    else:
        await expect(page.locator("#flash-area .flash-success")).to_contain_text("Approved")
        await expect(page.locator(".queue-item", has_text=first)).to_have_count(0)
    await expect(heading).to_contain_text("(1)")
    await expect(page.locator(".queue-item", has_text=second)
                 .get_by_role("button", name="Approve")).to_be_visible()
    assert console_errors == []

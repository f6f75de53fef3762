"""One journey per role in headless Chromium, each with JavaScript on (htmx) and off (plain
forms): the resident, the helper, the merchant and the community staff each get their job
done by clicking through the site, starting from the home page.

What the other people in a journey do happens through the services (they are not under
test here), so each journey shows only what its own role sees and does.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.async_api import Page, expect

from marketplace import clock
from marketplace.ledger import service as ledger
from marketplace.rewards import service as rewards
from marketplace.rewards.tables import RedeemCode
from marketplace.wishes import service as wishes
from marketplace.wishes.tables import Wish
from marketplace.wishes.timers import escalate
from tests.browser.conftest import PageFactory, Place
from tests.browser.steps import flash, open_mine, sign_in
from tests.conftest import PASSWORD, World, unique
from tests.rewards.helpers import resident, shop
from tests.wishes.helpers import open_wish

pytestmark = pytest.mark.browser
JS = pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])


async def tile(page: Page, name: str) -> None:
    """Follow a tile on the home page, the way every journey starts."""
    await page.goto("/")
    await page.locator("a.tile", has_text=name).first.click()


@JS
async def test_resident_registers_posts_confirms_and_gets_a_code(
        js: bool, make_page: PageFactory, live_server: str, place: Place,
        console_errors: list[str]) -> None:
    world = World(place.community_id, place.grid_id, place.building_id)
    staff, helper = await world.person(staff=True), await world.person(helper=True)
    category = await wishes.add_category(staff, world.community_id, unique("Errands "), 8)
    corner_name = unique("Corner shop ")
    corner = await shop(world, price=5, name=corner_name)
    page = await make_page(java_script_enabled=js)
    login, title = unique("r"), f"Schoolbag for my grandson {unique('t')}"

    # Register and sign in.
    await page.goto("/register")
    await page.fill("#display_name", "Grandma Li")
    await page.fill("#login", login)
    await page.fill("#password", PASSWORD)
    await page.fill("#password2", PASSWORD)
    if js:  # htmx reloads the grid and building lists: wait for it
        async with page.expect_response(re.compile(r"/register\?community=")):
            await page.select_option("#community", str(place.community_id))
    else:
        await page.select_option("#community", str(place.community_id))
    await page.check("#agree_notice")  # the privacy notice, agreed (required)
    await page.get_by_role("button", name="Create my account").click()
    await flash(page, "Your account is ready")  # and signed in

    # Post a wish from the home page.
    await tile(page, "Post a wish")
    await page.fill("#title", title)
    await page.select_option("#category", str(category))
    await page.fill("#description", "He starts school in September.")
    await page.get_by_role("button", name="Post the wish").click()
    await expect(page.locator("h1")).to_have_text(title)
    await expect(page.locator(".status").first).to_contain_text("Waiting for review")
    wish_id = int(page.url.rsplit("/", 1)[1])

    # Staff approve it; a helper claims and does it.
    await wishes.review(staff, wish_id, True, 8)
    await wishes.claim(helper, wish_id)
    await wishes.fulfil(helper, wish_id, "Bought a blue schoolbag", 45)

    # The home page says a wish waits for her; she confirms and thanks the helper.
    await page.goto("/")
    waiting = page.locator("a.tile", has_text="to confirm")
    await expect(waiting).to_contain_text("1 to confirm")
    await waiting.click()
    await page.get_by_role("link", name=title).click()
    await expect(page.locator(".facts")).to_contain_text("Bought a blue schoolbag")
    await page.get_by_text("★★★★☆").click()
    await page.fill("#comment", "Thank you!")
    await page.get_by_role("button", name="Confirm it is done").click()
    await flash(page, "Confirmed")
    await expect(page.locator(".status").first).to_contain_text("Confirmed")

    # She has points (awarded for helping at a community event); she exchanges some of them
    # for a code at the corner shop.
    user_id = await _user_id(login)
    await ledger.award(world.community_id, user_id, 20, "award", "test", None, "", unique("g"))
    await page.locator("nav").get_by_role("link", name="Exchange").click()
    await page.locator("article", has_text=corner_name).get_by_role(
        "link", name="Bag of rice").click()
    await page.get_by_role("button", name="Get code").click()
    await expect(page.locator(".code-text")).to_have_text(
        re.compile(r"^[2-9A-Z]{4}-[2-9A-Z]{4}$"))
    await expect(page.locator("img.qr")).to_be_visible()
    if js:  # the countdown ticks: m:ss
        await expect(page.locator(".countdown")).to_have_text(re.compile(r"\(\d+:\d\d\)"))
    code_url = page.url
    typed = (await page.locator(".code-text").text_content() or "").strip()
    await open_mine(page, "My points")
    await expect(page.locator(".balance div", has_text="Held").locator("dd")).to_have_text("5")
    await expect(page.locator(".balance dd strong")).to_have_text("15")

    # At the till the cashier takes the code; her code page now shows the receipt.
    await rewards.redeem(corner.owner, corner.merchant_id, typed)
    await page.goto(code_url)
    await expect(page.locator("h1")).to_have_text("Receipt")
    await expect(page.locator("#receipt")).to_contain_text("Bag of rice")
    assert console_errors == []


async def _user_id(login: str) -> int:
    from marketplace.accounts.tables import User

    row = await User.select(User.id).where(User.login == login).first()
    return int(row["id"])


@JS
async def test_helper_claims_fulfils_sees_points_and_certificate(
        js: bool, make_page: PageFactory, live_server: str, world: World,
        console_errors: list[str]) -> None:
    owner = await world.person(name="Mr Zhang")
    staff = await world.person(staff=True)
    helper = await world.person(helper=True, name="Party Member Wang")
    title = f"Ride to the clinic {unique('t')}"
    wish_id = await open_wish(world, owner, staff, points=15, title=title)
    page = await make_page(java_script_enabled=js)

    # Find the wish among the open ones and claim it from its card.
    await sign_in(page, helper.login)
    await tile(page, "Open wishes")
    card = page.locator("article.wish-card", has_text=title)
    await card.get_by_role("button", name="Claim").click()
    await flash(page, "You claimed this wish")
    await expect(page).to_have_url(f"{live_server}/wishes/{wish_id}")

    # Report it done, with the time it took.
    await page.fill("#fulfil-note", "Drove him there and back")
    await page.fill("#fulfil-hours", "2")
    await page.get_by_role("button", name="Report done").click()
    await flash(page, "Thank you")

    # The resident confirms; the helper sees the points and the service record.
    await wishes.confirm(owner, wish_id, 5, "Very kind")
    await open_mine(page, "My points")
    await expect(page.locator(".balance dd strong")).to_have_text("15")
    await expect(page.locator("main")).to_contain_text(title)
    await tile(page, "My service record")
    await expect(page.locator("[data-figure=wishes]")).to_have_text("1")
    await expect(page.locator("[data-figure=hours_resident]")).to_have_text("2.0")
    await expect(page.locator("#record")).to_contain_text(title)

    # The printable certificate carries a link anyone can check.
    await page.get_by_role("link", name="Printable certificate").click()
    await expect(page.locator("h1")).to_have_text("Certificate of community service")
    await expect(page.locator("main")).to_contain_text("Party Member Wang")
    await page.locator("a.certificate-link").click()
    await expect(page.locator("main")).to_contain_text("Genuine certificate")
    assert console_errors == []


@JS
async def test_merchant_redeems_a_code_and_reads_the_statement(
        js: bool, make_page: PageFactory, world: World, console_errors: list[str]) -> None:
    corner = await shop(world, price=12, stock=5)
    buyer = await resident(world, 40, name="Auntie Chen")
    code = await rewards.issue(buyer, corner.offer_id)
    page = await make_page(java_script_enabled=js)

    # From the home page straight to the till: type the code the resident shows.
    await sign_in(page, corner.owner.login)
    await tile(page, "Redeem a code")
    await page.fill("#code", "2222-2222")
    await page.get_by_role("button", name="Check code").click()
    await expect(page.locator(".field-error")).to_contain_text("not a valid code")
    await page.fill("#code", str(code["code"]).lower())
    await page.get_by_role("button", name="Check code").click()
    await expect(page.get_by_text("Auntie Chen")).to_be_visible()
    await page.get_by_role("button", name="Confirm and hand over").click()
    await expect(page.locator("h1")).to_have_text("Receipt")
    await expect(page.locator("#receipt")).to_contain_text("Bag of rice")

    # The same code a second time is refused, politely.
    await tile(page, "Redeem a code")
    await page.fill("#code", str(code["code"]))
    await page.get_by_role("button", name="Check code").click()
    await expect(page.locator(".field-error")).to_contain_text("already")

    # The statement shows today's redemption and downloads as CSV.
    await tile(page, "Shop statement")
    await expect(page.locator("main")).to_contain_text("Total: 12 points in 1 redemptions")
    await expect(page.locator("main")).to_contain_text("Bag of rice")
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Download CSV").click()
    download = await download_info.value
    csv_text = (await download.path()).read_text(encoding="utf-8-sig")
    assert "Bag of rice" in csv_text and ",12," in csv_text
    assert console_errors == []


@JS
async def test_staff_review_escalate_settle_and_dashboard(
        js: bool, make_page: PageFactory, live_server: str, world: World,
        console_errors: list[str]) -> None:
    staff = await world.person(staff=True)
    owner = await world.person(name="Mrs Liu")
    helper = await world.person(helper=True, name="Volunteer Sun")
    category = await wishes.add_category(staff, world.community_id, unique("Repairs "), 10)
    pending_title = f"Fix the tap {unique('t')}"
    await wishes.post_wish(owner, wishes.NewWish(category, pending_title))
    stale_title = f"Carry the sofa {unique('t')}"
    stale = await open_wish(world, owner, staff, points=10, title=stale_title)
    await Wish.update({Wish.updated_at: clock.now() - timedelta(days=30)}).where(
        Wish.id == stale)
    await escalate(clock.now())
    corner = await shop(world, price=7)
    buyer = await resident(world, 30)
    code = await rewards.issue(buyer, corner.offer_id)
    await rewards.redeem(corner.owner, corner.merchant_id, str(code["code"]))
    # A period can be settled once it is over: the sale was yesterday.
    yesterday = clock.now() - timedelta(days=1)
    await RedeemCode.update({RedeemCode.redeemed_at: yesterday}).where(
        RedeemCode.id == code["id"])
    page = await make_page(java_script_enabled=js)

    # Review: approve the new wish from the queue with 12 points.
    await sign_in(page, staff.login)
    await page.locator("nav").get_by_role("link", name="Staff").click()
    await page.locator("a.tile", has_text="Wish queues").first.click()
    await page.get_by_role("link", name=pending_title).click()
    await page.fill("#points", "12")
    await page.get_by_role("button", name="Approve").click()
    await flash(page, "Approved")

    # Escalation: nobody took the sofa; staff assign it to a volunteer.
    await page.goto("/staff/wishes")
    await page.get_by_role("link", name=stale_title).click()
    await page.fill("#assign-person", helper.login)
    await page.get_by_role("button", name="Assign").click()
    await flash(page, "The helper has been assigned")
    await expect(page.locator("main")).to_contain_text("Volunteer Sun")

    # Settlement: close yesterday's period for the corner shop and mark it paid.
    await page.goto("/staff")
    await page.locator("a.tile", has_text="Merchants and settlement").first.click()
    await page.get_by_role("link", name="Corner shop").first.click()
    day = yesterday.astimezone(clock.LOCAL).date().isoformat()
    await page.fill("#start", day)
    await page.fill("#end", day)
    await page.get_by_role("button", name="Close the period").click()
    await flash(page, "Period closed")
    await expect(page.locator("main")).to_contain_text("7")
    await page.get_by_role("button", name="Mark as paid").click()
    await flash(page, "Marked as paid")

    # Dashboard: the figures show what just happened.
    await page.goto("/staff")
    await page.locator("a.tile", has_text="Dashboard and reports").first.click()
    await expect(page.locator("[data-figure=redeemed]")).to_have_text("7")
    await expect(page.locator("[data-figure=settled]")).to_have_text("7")
    await expect(page.locator("[data-figure=escalated]")).to_have_text("0")
    await expect(page.locator("[data-figure=pending]")).to_have_text("0")
    assert console_errors == []

"""The person picker: one search endpoint, and without JavaScript a typed text that names
several people comes back as a choice list on the same page, the text kept."""

from __future__ import annotations

from marketplace.accounts.tables import StaffMembership
from marketplace.care.tables import InNeed
from marketplace.wishes.tables import Wish, WishClaim
from tests.cast import new_category, new_world, open_wish
from tests.conftest import World, login, post, text_of, unique

EN = {"accept-language": "en"}


async def test_suggestions_show_helpers_with_their_open_claims(client, world: World) -> None:
    staff = await world.person(staff=True)
    resident = await world.person()
    busy = await world.person(helper=True, name=unique("Zhang Busy "))
    await world.person(helper=True, name=unique("Zhang Free "))
    await world.person(name=unique("Zhang Resident "))  # not a helper: not offered
    category = await new_category(staff)
    for _ in range(2):
        wish = await open_wish(resident, staff, category)
        # Claimed as the claim service would leave it (without its deadline and notices).
        await WishClaim.insert(WishClaim(wish=wish, helper=busy.user_id))
        await Wish.update({Wish.status: "claimed"}).where(Wish.id == wish)
    await login(client, staff)
    r = await client.get("/staff/members/pick", headers={**EN, "HX-Request": "true"},
                         params={"community": world.community_id, "helpers": "1",
                                 "person": "Zhang"})
    page = text_of(r.text)
    assert r.status_code == 200 and "Zhang Busy" in page and "Zhang Free" in page
    assert "Zhang Resident" not in page
    assert f"{busy.display_name} {busy.login} · Grid A · open claims: 2" in page
    assert "open claims: 0" in page


async def test_appointing_staff_without_javascript_asks_which_one(client, world: World
                                                                 ) -> None:
    admin = await world.person(admin=True)
    first = await world.person(name=unique("Chen Mei "))
    await world.person(name=unique("Chen Mei "))
    await login(client, admin)
    url = f"/manage/communities/{world.community_id}/staff"
    r = await post(client, url, {"person": "Chen Mei"}, headers=EN)
    assert r.status_code == 422
    assert "Several people match “Chen Mei”" in r.text
    assert 'value="Chen Mei"' in r.text  # the typed text is kept
    assert f'name="person_id" value="{first.user_id}"' in r.text
    assert not await StaffMembership.exists().where(StaffMembership.user == first.user_id)
    r = await post(client, url, {"person": "Chen Mei", "person_id": str(first.user_id)})
    assert r.status_code == 303
    assert await StaffMembership.exists().where(
        (StaffMembership.user == first.user_id)
        & (StaffMembership.community == world.community_id))


async def test_an_exact_login_or_single_match_needs_no_choice(client, world: World) -> None:
    staff = await world.person(staff=True)
    resident = await world.person(name=unique("Only One "))
    await login(client, staff)
    url = f"/staff/care/{world.community_id}/in-need"
    r = await post(client, url, {"person": resident.display_name, "reason": "alone",
                                 "category": "alone", "consent": "self"})
    assert r.status_code == 303
    assert await InNeed.exists().where(InNeed.user == resident.user_id)
    r = await post(client, url, {"person": "nobody-" + unique(), "reason": "x"}, headers=EN)
    assert r.status_code == 422 and "Nobody matches" in r.text


async def test_picker_offers_nobody_from_another_community(client, world: World) -> None:
    staff = await world.person(staff=True)
    stranger = await (await new_world()).person(name=unique("Stranger "))
    await login(client, staff)
    url = f"/staff/care/{world.community_id}/in-need"
    r = await post(client, url, {"person": stranger.login, "reason": "x"}, headers=EN)
    assert r.status_code == 422
    r = await post(client, url, {"person": "x", "person_id": str(stranger.user_id),
                                 "reason": "x"}, headers=EN)
    assert r.status_code == 422 and "Please choose a member of this community" in r.text
    assert not await InNeed.exists().where(InNeed.user == stranger.user_id)
    r = await client.get("/staff/members/pick", params={
        "community": (await new_world()).community_id, "person": "S"})
    assert r.status_code == 403


async def test_assigning_a_helper_by_picker(client, world: World) -> None:
    staff = await world.person(staff=True)
    resident = await world.person()
    helper = await world.person(helper=True, name=unique("Liu Helper "))
    await world.person(helper=True, name=unique("Liu Helper "))
    wish = await open_wish(resident, staff, await new_category(staff))
    await login(client, staff)
    r = await post(client, f"/wishes/{wish}/assign", {"person": "Liu Helper"}, headers=EN)
    assert r.status_code == 422 and "Several people match" in r.text
    assert "open claims: 0" in text_of(r.text)
    r = await post(client, f"/wishes/{wish}/assign", {"person_id": str(helper.user_id)})
    assert r.status_code == 303
    assert await WishClaim.exists().where(
        (WishClaim.wish == wish) & (WishClaim.helper == helper.user_id))


async def test_administrators_appoint_staff_of_a_new_community_from_anywhere(
        client, world: World) -> None:
    admin = await world.person(admin=True)
    elsewhere = await (await new_world()).person(name=unique("Newly appointed "))
    staff = await world.person(staff=True)
    await login(client, admin)
    r = await client.get("/staff/members/pick", params={"anywhere": "1",
                                                        "person": elsewhere.display_name})
    assert elsewhere.login in r.text
    r = await post(client, f"/manage/communities/{world.community_id}/staff",
                   {"person": elsewhere.login})
    assert r.status_code == 303
    # Staff search their own community only.
    client.cookies.clear()
    await login(client, staff)
    r = await client.get("/staff/members/pick", params={"anywhere": "1", "person": "x"})
    assert r.status_code == 403

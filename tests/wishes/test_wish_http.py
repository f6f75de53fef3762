"""The wish loop through the web pages, privacy, and who may open what."""

from __future__ import annotations

from marketplace.ledger import service as ledger
from marketplace.wishes import service
from marketplace.wishes.tables import Wish
from tests.conftest import World, login, post, text_of

EN = {"accept-language": "en"}


async def _logout(client) -> None:  # type: ignore[no-untyped-def]
    await post(client, "/logout")


async def test_loop_through_pages_with_privacy(client, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper, bystander = await world.person(helper=True), await world.person(helper=True)
    from marketplace.accounts.tables import User

    await User.update({User.phone: "13912345678", User.address: "Unit 3, flat 502"}).where(
        User.id == owner.user_id)
    category = await service.add_category(staff, world.community_id, "Repairs", 12)

    await login(client, owner)
    r = await post(client, "/wishes/new", {"title": "", "category": str(category)}, headers=EN)
    assert r.status_code == 422 and "short title" in r.text  # error on the same page
    r = await post(client, "/wishes/new", {"title": "Fix the tap", "category": str(category),
                                           "description": "Kitchen tap drips"})
    assert r.status_code == 303
    wish_id = int(r.headers["location"].rsplit("/", 1)[1])
    await _logout(client)

    await login(client, staff)
    queue = await client.get("/staff/wishes")
    assert "Fix the tap" in queue.text
    r = await post(client, f"/wishes/{wish_id}/approve", {"points": "12"})
    assert r.status_code == 303
    await _logout(client)

    await login(client, bystander)
    listing = await client.get("/wishes")
    assert "Fix the tap" in listing.text and "13912345678" not in listing.text
    page = await client.get(f"/wishes/{wish_id}")
    assert "13912345678" not in page.text and "flat 502" not in page.text
    await _logout(client)

    await login(client, helper)
    r = await post(client, f"/wishes/{wish_id}/claim")
    assert r.status_code == 303
    page = await client.get(f"/wishes/{wish_id}")
    assert "13912345678" in page.text and "flat 502" in page.text
    r = await post(client, f"/wishes/{wish_id}/fulfil", {"note": "New washer", "hours": "1.5"})
    assert r.status_code == 303
    await _logout(client)

    await login(client, bystander)
    r = await post(client, f"/wishes/{wish_id}/claim", headers=EN)
    assert r.status_code == 303 and r.headers["location"] == "/wishes"
    assert "already been claimed" in (await client.get("/wishes", headers=EN)).text
    await _logout(client)

    await login(client, owner)
    r = await post(client, f"/wishes/{wish_id}/confirm", {"rating": "5", "comment": "Thanks"})
    assert r.status_code == 303
    page = await client.get(f"/wishes/{wish_id}", headers=EN)
    assert "Confirmed" in text_of(page.text)
    assert (await ledger.balance(helper.user_id)).balance == 12
    assert (await Wish.select(Wish.hours).where(Wish.id == wish_id).first())["hours"] == 90


async def test_htmx_claim_of_taken_wish_answers_in_place_of_the_button(client,
                                                                       world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    first, second = await world.person(helper=True), await world.person(helper=True)
    category = await service.add_category(staff, world.community_id, "Errands", 5)
    wish_id = await service.post_wish(owner, service.NewWish(category, "Carry rice upstairs"))
    await service.review(staff, wish_id, True)
    await service.claim(first, wish_id)
    await login(client, second)
    token = client.cookies["csrftoken"]
    r = await client.post(f"/wishes/{wish_id}/claim", headers={
        "hx-request": "true", "x-csrftoken": token, "hx-current-url": "/wishes", **EN})
    assert r.status_code == 200 and "hx-redirect" not in r.headers
    assert "already been claimed" in r.text and "<html" not in r.text  # a fragment only
    listing = await client.get("/wishes", headers=EN)
    assert "Carry rice upstairs" not in listing.text  # the list no longer offers it


async def test_pending_wish_is_private_and_other_community_sees_nothing(client,
                                                                       world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    neighbour = await world.person(helper=True)
    category = await service.add_category(staff, world.community_id, "Other", 5)
    wish_id = await service.post_wish(owner, service.NewWish(category, "Private for now"))
    await login(client, neighbour)
    assert (await client.get(f"/wishes/{wish_id}")).status_code == 404
    await _logout(client)
    from marketplace.community.tables import Community
    from tests.conftest import unique

    c = await Community.insert(Community(name=unique("Elsewhere "))).returning(Community.id)
    elsewhere = World(int(c[0]["id"]), None, None)  # type: ignore[arg-type]
    outsider_staff = await elsewhere.person(staff=True)
    await service.review(staff, wish_id, True)
    await login(client, outsider_staff)
    assert (await client.get(f"/wishes/{wish_id}")).status_code == 404
    r = await post(client, f"/wishes/{wish_id}/cancel")
    assert r.status_code == 404
    assert "Private for now" not in (await client.get("/wishes")).text


async def test_every_wish_route_needs_sign_in(client) -> None:
    for url in ("/wishes", "/wishes/mine", "/wishes/new", "/wishes/1", "/staff/wishes"):
        r = await client.get(url)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), url
    r = await post(client, "/wishes/1/claim")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


async def test_resident_cannot_open_staff_queue(client, world: World) -> None:
    await login(client, await world.person(helper=True))
    assert (await client.get("/staff/wishes")).status_code == 403
    r = await post(client, "/staff/wishes/categories", {"community_id": str(world.community_id),
                                                       "name": "x", "points": "5"})
    assert r.status_code == 403

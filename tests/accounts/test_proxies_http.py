"""Proxies and staff-managed accounts through the pages: what staff, a resident and a
proxy see and do (issue 14)."""

from __future__ import annotations

import re

from marketplace.accounts import managed, proxies
from marketplace.accounts.tables import User
from marketplace.ledger import service as ledger
from marketplace.wishes import service as wishes
from marketplace.wishes.tables import Wish
from tests.conftest import World, login, post, text_of, unique
from tests.rewards.helpers import shop
from tests.wishes.helpers import open_wish, status

EN = {"accept-language": "en"}


async def test_staff_make_a_managed_account_and_post_for_it(client, world: World) -> None:
    staff = await world.person(staff=True)
    category = await wishes.add_category(staff, world.community_id, "Errands", 8)
    await login(client, staff)
    form = await client.get("/staff/members/new", headers=EN)
    assert form.status_code == 200 and "Unit / room" in form.text

    refused = await post(client, "/staff/members/new", {
        "display_name": "", "community": str(world.community_id), "address": "Room 301",
        "phone": "call me"}, headers=EN)
    assert refused.status_code == 422
    assert "Please enter a display name" in refused.text
    assert 'value="Room 301"' in refused.text  # the input is kept

    made = await post(client, "/staff/members/new", {
        "display_name": "Granny Li", "community": str(world.community_id),
        "grid": str(world.grid_id), "building": str(world.building_id),
        "address": "Room 301"})
    assert made.status_code == 303
    user_id = int(re.search(r"/staff/members/(\d+)/proxies", made.headers["location"])[1])
    row = await User.select(User.managed_by_staff, User.address).where(
        User.id == user_id).first()
    assert row == {"managed_by_staff": True, "address": "Room 301"}

    page = await client.get(made.headers["location"], headers=EN)
    assert "Staff-managed account" in page.text and f"/wishes/new?who={user_id}" in page.text
    new = await client.get(f"/wishes/new?who={user_id}", headers=EN)
    assert "You are posting for Granny Li." in text_of(new.text)
    posted = await post(client, "/wishes/new", {
        "who": str(user_id), "category": str(category), "title": "Carry the coal"})
    assert posted.status_code == 303
    wish_id = int(posted.headers["location"].rsplit("/", 1)[1])
    wish = await Wish.select(Wish.owner, Wish.posted_by).where(Wish.id == wish_id).first()
    assert wish == {"owner": user_id, "posted_by": staff.user_id}
    shown = await client.get(f"/wishes/{wish_id}", headers=EN)
    assert f"Done for Granny Li by {staff.display_name}." in text_of(shown.text)


async def test_staff_of_another_community_get_nothing(client, world: World) -> None:
    from tests.rewards.helpers import other_world

    staff = await world.person(staff=True)
    granny = await managed.create(staff, managed.ManagedAccount(
        "Granny Wu", world.community_id, None, None))
    foreign = await (await other_world()).person(staff=True)
    await login(client, foreign)
    assert (await client.get(f"/staff/members/{granny}/proxies")).status_code in (403, 404)
    assert (await post(client, f"/staff/members/{granny}/activation")).status_code == 404
    made = await post(client, "/staff/members/new", {
        "display_name": "Intruder", "community": str(world.community_id)})
    assert made.status_code == 404
    assert (await client.get(f"/wishes/new?who={granny}")).status_code == 404


async def test_a_resident_names_a_proxy_who_then_confirms_for_them(client, world: World
                                                                   ) -> None:
    resident, son = await world.person(name="Old Zhang"), await world.person(name="Jun")
    staff, helper = await world.person(staff=True), await world.person(helper=True)
    wish_id = await open_wish(world, resident, staff, points=9)
    await wishes.claim(helper, wish_id)
    await wishes.fulfil(helper, wish_id, "Fixed the light.", 30)

    await login(client, resident)
    added = await post(client, "/me/proxies", {"proxy_login": son.login})
    assert added.status_code == 303
    me = await client.get("/me", headers=EN)
    assert "Jun" in text_of(me.text) and "Remove" in me.text

    await post(client, "/logout")
    await login(client, son)
    mine = text_of((await client.get("/me", headers=EN)).text)
    assert "You can act for" in mine and "Old Zhang" in mine
    page = await client.get(f"/wishes/{wish_id}", headers=EN)
    assert "You act for Old Zhang here" in text_of(page.text)
    assert f'action="/wishes/{wish_id}/confirm"' in page.text
    done = await post(client, f"/wishes/{wish_id}/confirm", {"rating": "5",
                                                             "comment": "Thanks!"})
    assert done.status_code == 303
    assert await status(wish_id) == "confirmed"
    assert (await ledger.balance(helper.user_id)).balance == 9


async def test_a_proxy_link_ends_from_the_proxys_side(client, world: World) -> None:
    resident, proxy = await world.person(), await world.person()
    staff, helper = await world.person(staff=True), await world.person(helper=True)
    link = await proxies.add(resident, resident.user_id, proxy.login)
    wish_id = await open_wish(world, resident, staff)
    await wishes.claim(helper, wish_id)
    await wishes.fulfil(helper, wish_id, "Done.", 30)
    await login(client, proxy)
    ended = await post(client, f"/proxies/{link}/revoke", {"next": "/me"})
    assert ended.status_code == 303 and ended.headers["location"] == "/me"
    page = await client.get(f"/wishes/{wish_id}")
    assert f'action="/wishes/{wish_id}/confirm"' not in page.text
    refused = await post(client, f"/wishes/{wish_id}/confirm", {"rating": "5"})
    assert refused.status_code in (403, 404)
    assert await status(wish_id) == "fulfilled"


async def test_a_proxy_gets_a_code_for_the_resident(client, world: World) -> None:
    the_shop = await shop(world, price=10)
    resident, proxy = await world.person(name="Grandma Qian"), await world.person()
    await ledger.award(world.community_id, resident.user_id, 25, "award", "test", None, "",
                       unique("k"))
    await proxies.add(resident, resident.user_id, proxy.login)
    await login(client, proxy)
    offer = await client.get(f"/rewards/offers/{the_shop.offer_id}?who={resident.user_id}",
                             headers=EN)
    assert "the code uses their points" in text_of(offer.text)
    got = await post(client, f"/rewards/offers/{the_shop.offer_id}/code",
                     {"who": str(resident.user_id), "key": unique("k")})
    assert got.status_code == 303
    slip = await client.get(got.headers["location"], headers=EN)
    assert "For Grandma Qian" in text_of(slip.text) and "Print command" in slip.text
    assert (await ledger.balance(resident.user_id)).available == 15
    listed = await client.get(f"/rewards/codes?who={resident.user_id}", headers=EN)
    assert "Codes of Grandma Qian" in text_of(listed.text)
    assert got.headers["location"] in listed.text
    assert (await client.get("/rewards/codes?who=999999")).status_code == 404


async def test_activation_through_the_page(client, world: World) -> None:
    staff = await world.person(staff=True)
    granny = await managed.create(staff, managed.ManagedAccount(
        "Granny Sun", world.community_id, None, None))
    await login(client, staff)
    slip = await post(client, f"/staff/members/{granny}/activation", headers=EN)
    assert slip.status_code == 200
    code = re.search(r'aria-label="Activation code">([A-Z0-9-]+)<', slip.text)[1]
    await post(client, "/logout")
    wrong = await post(client, "/activate", {"code": "AAAAA-AAAAA", "login": "gran-sun",
                                             "password": "plum tree 42",
                                             "password2": "plum tree 42"}, headers=EN)
    assert wrong.status_code == 422 and "not valid or has expired" in wrong.text
    assert 'value="gran-sun"' in wrong.text and "plum tree 42" not in wrong.text
    ok = await post(client, "/activate", {"code": code, "login": "gran-sun",
                                          "password": "plum tree 42",
                                          "password2": "plum tree 42"})
    assert ok.status_code == 303 and ok.headers["location"] == "/login"
    signed = await post(client, "/login", {"login": "gran-sun", "password": "plum tree 42"})
    assert signed.status_code == 303


async def test_a_proxy_sees_the_residents_wishes_and_a_stranger_does_not(client, world: World
                                                                          ) -> None:
    resident, proxy = await world.person(name="Uncle Fu"), await world.person()
    staff, stranger = await world.person(staff=True), await world.person()
    wish_id = await open_wish(world, resident, staff, title="Hang the curtains")
    await proxies.add(resident, resident.user_id, proxy.login)
    await login(client, proxy)
    listed = await client.get(f"/wishes/mine?who={resident.user_id}", headers=EN)
    assert "Wishes of Uncle Fu" in text_of(listed.text)
    assert f"/wishes/{wish_id}" in listed.text
    own = await client.get("/wishes/mine", headers=EN)
    assert "My wishes" in own.text and f"/wishes/{wish_id}" not in own.text
    await post(client, "/logout")
    await login(client, stranger)
    assert (await client.get(f"/wishes/mine?who={resident.user_id}")).status_code == 404


async def test_what_staff_do_for_a_managed_resident_is_one_link_a_line(
        client, world: World) -> None:
    """On a phone the links ran together with "·" and broke mid-word; in Chinese they now
    say TA throughout (not a mix of 其 and TA)."""
    staff = await world.person(staff=True)
    resident = await managed.create(staff, managed.ManagedAccount(
        "钱爷爷", world.community_id, world.grid_id, world.building_id))
    await login(client, staff)
    page = (await client.get(f"/staff/members/{resident}/proxies",
                             headers={"accept-language": "zh-CN"})).text
    links = re.search(r'<ul class="link-list">(.*?)</ul>', page, re.S)
    assert links, "the resident's links are a list"
    assert re.findall(r">([^<]+)</a></li>", links[1]) == [
        "TA的心愿", "TA的兑换码", "代TA领取兑换码（先选一项兑换）"]
    assert "代TA发布心愿" in page and "其兑换码" not in text_of(page)


async def test_on_me_the_proxy_section_speaks_to_the_resident(client, world: World) -> None:
    me, staff = await world.person(), await world.person(staff=True)
    await login(client, me)
    mine = text_of((await client.get("/me/", headers={"accept-language": "zh-CN"})).text)
    assert "代办人是可以替您办事的家人或邻居" in mine and "替这位居民办事" not in mine
    client.cookies.clear()
    await login(client, staff)
    theirs = text_of((await client.get(f"/staff/members/{me.user_id}/proxies",
                                       headers={"accept-language": "zh-CN"})).text)
    assert "替这位居民办事" in theirs

"""Small things residents, helpers and staff noticed on the wish pages."""

from __future__ import annotations

from marketplace.wishes import service
from tests.conftest import World, login, post, text_of
from tests.wishes.helpers import open_wish, status

EN = {"accept-language": "en"}


async def _disputed(world: World):  # type: ignore[no-untyped-def]
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff)
    await service.claim(helper, wish_id)
    await service.fulfil(helper, wish_id, "Done", 30)
    await service.dispute(owner, wish_id, "Still broken")
    return owner, staff, helper, wish_id


async def test_resolving_a_dispute_needs_a_note_that_both_sides_read(
        client, world: World) -> None:
    owner, staff, helper, wish_id = await _disputed(world)
    await login(client, staff)
    page = await client.get(f"/wishes/{wish_id}", headers=EN)
    assert "What did you decide and why?" in page.text
    assert 'name="note" value=""' not in page.text  # no hidden empty note any more
    r = await post(client, f"/wishes/{wish_id}/resolve_reopen", {"note": "  "}, headers=EN)
    assert r.status_code == 422 and "decided and why" in r.text
    assert await status(wish_id) == "disputed"
    r = await post(client, f"/wishes/{wish_id}/resolve_confirm",
                   {"note": "The photo shows the tap fixed"}, headers=EN)
    assert r.status_code == 303 and await status(wish_id) == "confirmed"
    for person in (owner, helper):
        client.cookies.clear()
        await login(client, person)
        wish_page = text_of((await client.get(f"/wishes/{wish_id}", headers=EN)).text)
        assert "The photo shows the tap fixed" in wish_page  # in the timeline
        inbox = text_of((await client.get("/notifications/", headers=EN)).text)
        assert "settled the dispute" in inbox and "The photo shows the tap fixed" in inbox


async def test_a_refused_resolution_marks_the_note_and_long_notes_are_cut(
        client, world: World) -> None:
    _owner, staff, _helper, wish_id = await _disputed(world)
    await login(client, staff)
    long_note = "x" * 600  # over the limit is cut, not refused; empty is refused
    r = await post(client, f"/wishes/{wish_id}/resolve_confirm", {"note": ""}, headers=EN)
    assert 'aria-invalid="true"' in r.text
    r = await post(client, f"/wishes/{wish_id}/resolve_confirm", {"note": long_note})
    assert r.status_code == 303


async def test_cancel_and_release_ask_first_without_javascript(client, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff, title="Water the plants")
    await service.claim(helper, wish_id)
    await login(client, helper)
    page = (await client.get(f"/wishes/{wish_id}", headers=EN)).text
    assert 'hx-confirm="Release your claim?' in page
    r = await post(client, f"/wishes/{wish_id}/release", headers=EN)
    assert r.status_code == 200 and "Release your claim on “Water the plants”?" in r.text
    assert await status(wish_id) == "claimed"
    r = await post(client, f"/wishes/{wish_id}/release", {"confirm": "yes"})
    assert r.status_code == 303 and await status(wish_id) == "open"
    client.cookies.clear()
    await login(client, owner)
    r = await post(client, f"/wishes/{wish_id}/cancel", headers=EN)
    assert r.status_code == 200 and "Cancel the wish “Water the plants”?" in r.text
    assert 'name="confirm" value="yes"' in r.text and "No, go back" in r.text
    assert await status(wish_id) == "open"
    r = await post(client, f"/wishes/{wish_id}/cancel", {"confirm": "yes"})
    assert r.status_code == 303 and await status(wish_id) == "cancelled"


async def test_board_notice_link_only_on_open_wishes_and_back_to_my_wishes(
        client, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    category = await service.add_category(staff, world.community_id, "Repairs", 5)
    pending = await service.post_wish(owner, service.NewWish(category, "Still pending"))
    rejected = await service.post_wish(owner, service.NewWish(category, "Too big"))
    await service.review(staff, rejected, False, reason="Not a micro-wish")
    opened = await open_wish(world, owner, staff)
    await login(client, owner)
    for wish_id, shown in ((pending, False), (rejected, False), (opened, True)):
        html = (await client.get(f"/wishes/{wish_id}", headers=EN)).text
        assert ("Print a notice for the board" in html) is shown, wish_id
        assert '<a href="/wishes/mine">← My wishes</a>' in html
    client.cookies.clear()
    await login(client, staff)
    html = (await client.get(f"/wishes/{pending}", headers=EN)).text
    assert "Print a notice for the board" in html


async def test_an_empty_wish_form_names_every_missing_field_and_keeps_input(
        client, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    await service.add_category(staff, world.community_id, "Repairs", 5)
    await login(client, owner)
    r = await post(client, "/wishes/new", {"title": "", "category": "",
                                           "description": "The hall light flickers"},
                   headers=EN)
    assert 'id="title-error"' in r.text and 'id="category-error"' in r.text
    assert "short title" in r.text and "Please choose Category" in r.text
    assert "The hall light flickers" in r.text


async def test_staff_tools_sit_behind_one_nav_entry_with_a_hub(client, world: World) -> None:
    staff, resident = await world.person(staff=True), await world.person()
    await login(client, staff)
    home = await client.get("/", headers=EN)
    nav = home.text[home.text.index('class="nav"'):home.text.index("</nav>")]
    assert '<a href="/staff" ' in nav
    for buried in ('href="/manage"', 'href="/staff/reports"', 'href="/staff/audit"'):
        assert buried not in nav
    hub = await client.get("/staff", headers=EN)
    assert hub.status_code == 200
    for link in ("/staff/wishes", "/staff/helpers", "/staff/merchants", "/staff/reports",
                 "/staff/audit", "/manage"):
        assert f'href="{link}"' in hub.text
    audit = (await client.get("/staff/audit", headers=EN)).text
    assert '<a href="/staff" aria-current="page">' in audit
    client.cookies.clear()
    await login(client, resident)
    assert (await client.get("/staff")).status_code == 403


async def test_wishes_waiting_for_the_owners_word_come_first(client, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    done = await open_wish(world, owner, staff, title="Fix the tap")
    await service.claim(helper, done)
    await service.fulfil(helper, done, "New washer fitted.", 60)
    newer = await open_wish(world, owner, staff, title="Carry the rice")  # newer, open
    await login(client, owner)
    html = (await client.get("/wishes/mine", headers=EN)).text
    page = text_of(html)
    assert "Waiting for your word (1)" in page
    # Above every other wish, even a newer one, and listed once.
    first = html.index('id="to-confirm"')
    assert first < html.index(f'href="/wishes/{done}"') < html.index(f'href="/wishes/{newer}"')
    assert html.count(f'<a href="/wishes/{done}">') == 1
    home = (await client.get("/", headers=EN)).text
    assert 'href="/wishes/mine#to-confirm"' in home
    await service.confirm(owner, done, 5)
    page = text_of((await client.get("/wishes/mine", headers=EN)).text)
    assert "Waiting for your word" not in page


async def test_a_rejected_wish_is_posted_again_without_typing_it_anew(
        client, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    category = await service.add_category(staff, world.community_id, "Errands", 5)
    wish_id = await service.post_wish(owner, service.NewWish(
        category, "Buy a schoolbag", "For my grandson, size M, blue if there is one."))
    await service.review(staff, wish_id, False, reason="Please say which shop.")
    await login(client, owner)
    html = (await client.get(f"/wishes/{wish_id}", headers=EN)).text
    assert f'href="/wishes/new?again={wish_id}">Change it and post it again' in html
    form = (await client.get(f"/wishes/new?again={wish_id}", headers=EN)).text
    assert 'value="Buy a schoolbag"' in form
    assert "For my grandson, size M, blue if there is one.</textarea>" in form
    assert f'<option value="{category}" selected>' in form
    # Posted again, it is a new wish waiting for review; the old one stays as it was.
    r = await post(client, "/wishes/new", {"title": "Buy a schoolbag", "category": category,
                                           "description": "From the shop at the gate."})
    assert r.status_code == 303 and r.headers["location"] != f"/wishes/{wish_id}"
    assert await status(wish_id) == "rejected"


async def test_only_its_owner_posts_a_wish_again_and_only_once_it_ended(
        client, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    wish_id = await open_wish(world, owner, staff)
    await login(client, owner)
    r = await client.get(f"/wishes/new?again={wish_id}", headers=EN)  # still open
    assert r.status_code == 303 and r.headers["location"] == f"/wishes/{wish_id}"
    page = text_of((await client.get(r.headers["location"], headers=EN)).text)
    assert "Only a wish that was not accepted or was withdrawn is posted again." in page
    await service.cancel(owner, wish_id)
    client.cookies.clear()
    await login(client, staff)  # staff see it, but it is not theirs
    assert (await client.get(f"/wishes/new?again={wish_id}", headers=EN)).status_code == 403
    html = (await client.get(f"/wishes/{wish_id}", headers=EN)).text
    assert "post it again" not in html
    client.cookies.clear()
    await login(client, await world.person())  # a neighbour does not even see it
    assert (await client.get(f"/wishes/new?again={wish_id}", headers=EN)).status_code in (
        403, 404)


async def test_staff_take_a_claim_back_rather_than_say_they_cannot_do_it(
        client, world: World) -> None:
    """Staff saw the helper's "Release (I can't do it)" / 放弃认领（我做不了）."""
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff, title="Water the plants")
    await service.claim(helper, wish_id)
    await login(client, staff)
    zh = (await client.get(f"/wishes/{wish_id}", headers={"accept-language": "zh-CN"})).text
    assert "收回认领（重新开放）" in zh and "我做不了" not in zh
    page = (await client.get(f"/wishes/{wish_id}", headers=EN)).text
    assert "Take it back from the helper" in page and "I can't do it" not in page
    r = await post(client, f"/wishes/{wish_id}/release", headers=EN)
    assert r.status_code == 200
    assert "Take “Water the plants” back from the helper?" in r.text
    r = await post(client, f"/wishes/{wish_id}/release", {"confirm": "yes"})
    assert r.status_code == 303 and await status(wish_id) == "open"

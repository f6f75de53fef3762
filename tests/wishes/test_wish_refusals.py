"""A refused wish form says so in its status (422 bad input, 409 clash with the current
state) and keeps what the person typed; with htmx it comes back as 200 so it is swapped in
place (htmx swaps only 2xx answers)."""

from __future__ import annotations

from marketplace.wishes import service
from marketplace.wishes.tables import Wish
from tests.conftest import World, login, post, text_of, unique
from tests.wishes.helpers import open_wish, status

EN = {"accept-language": "en"}
HTMX = {**EN, "hx-request": "true", "hx-current-url": "http://testserver/wishes/new"}


async def test_bad_input_on_the_new_wish_form_is_422_with_input_kept(
        client, world: World) -> None:
    staff = await world.person(staff=True)
    category = await service.add_category(staff, world.community_id, "Shopping", 5)
    await login(client, await world.person())
    title = unique("Buy rice ")
    form = {"title": title, "category": str(category), "description": "Two bags, please",
            "wished_by": "next Tuesday"}

    r = await post(client, "/wishes/new", form, headers=EN)
    assert r.status_code == 422
    assert "Please enter the date as YYYY-MM-DD." in r.text
    assert f'value="{title}"' in r.text and "Two bags, please" in r.text
    assert f'value="{category}" selected' in r.text
    assert "<html" in r.text  # the whole page for a plain form

    missing = await post(client, "/wishes/new", {"description": "No title"}, headers=EN)
    assert missing.status_code == 422
    assert 'id="title-error"' in missing.text and 'id="category-error"' in missing.text
    assert "No title" in missing.text
    assert await Wish.count().where(Wish.title == title) == 0


async def test_with_htmx_the_refused_form_is_swapped_in_place(client, world: World) -> None:
    staff = await world.person(staff=True)
    category = await service.add_category(staff, world.community_id, "Shopping", 5)
    await login(client, await world.person())
    title = unique("Buy oil ")
    r = await post(client, "/wishes/new", {"title": title, "category": str(category),
                                           "wished_by": "soon"}, headers=HTMX)
    # 200 so htmx swaps it; only the form (its outerHTML replaces the old form).
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<form method="post" action="/wishes/new" id="wish-form"')
    assert "<html" not in r.text
    assert "Please enter the date as YYYY-MM-DD." in text_of(r.text)
    assert f'value="{title}"' in r.text and 'value="soon"' in r.text
    assert await Wish.count().where(Wish.title == title) == 0


async def test_wish_actions_answer_a_lost_claim_and_422_for_bad_input(
        client, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    first, second = await world.person(helper=True), await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff)
    await service.claim(first, wish_id)

    await login(client, second)
    # Lost to a quicker helper: to the open wishes, with the reason; not the whole wish
    # page (claim storms, see claims.py).
    taken = await post(client, f"/wishes/{wish_id}/claim", headers=EN)
    assert taken.status_code == 303 and taken.headers["location"] == "/wishes"
    assert "already been claimed" in (await client.get("/wishes", headers=EN)).text

    client.cookies.clear()
    await login(client, first)
    bad = await post(client, f"/wishes/{wish_id}/fulfil",
                     {"note": "Fixed the hinge", "hours": "two"}, headers=EN)
    assert bad.status_code == 422 and "Hours spent must be a number" in bad.text
    assert "Fixed the hinge" in bad.text  # the note typed is still there
    assert await status(wish_id) == "claimed"
    # With htmx the detail page comes back as 200, to be swapped like a success.
    again = await post(client, f"/wishes/{wish_id}/fulfil",
                       {"note": "Fixed the hinge", "hours": "two"}, headers=HTMX)
    assert again.status_code == 200 and "Hours spent must be a number" in again.text

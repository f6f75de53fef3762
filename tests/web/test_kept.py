"""Whole pages kept per process (web/kept.py, the open wishes): a kept page is the page
made afresh, byte for byte, with this response's own CSRF token; whatever differs between
two viewers or two moments is in its key; and a template that reads more than the key
holds fails loudly instead of showing one person's page to another."""

from __future__ import annotations

import re

import httpx
import pytest
from litestar import Litestar

from marketplace.notifications import service as notifications
from marketplace.web import kept
from tests.conftest import World, login, post
from tests.web.test_fragments import EN, card_of, tokens
from tests.wishes.helpers import open_wish


def _without_tokens(html: str) -> str:
    return re.sub(r'("x-csrftoken": "|name="_csrf_token" value=")[^"]+', r"\1", html)


async def test_a_kept_page_is_the_page_made_afresh_with_its_own_token(
        client: httpx.AsyncClient, app: Litestar, world: World,
        monkeypatch: pytest.MonkeyPatch) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    for title in ("Carry the rice", "Walk <the> dog & cat"):
        await open_wish(world, owner, staff, title=title)
    await login(client, await world.person(helper=True))
    await client.get("/wishes/", headers=EN)  # "Welcome": a page with a flash is not kept
    made = await client.get("/wishes/", headers=EN)
    copied = await client.get("/wishes/", headers=EN)
    # Made by Jinja and Litestar's template response, as every other page is.
    monkeypatch.setattr(app.template_engine.engine, "auto_reload", True)  # type: ignore[union-attr]
    afresh = await client.get("/wishes/", headers=EN)

    assert _without_tokens(copied.text) == _without_tokens(afresh.text)
    assert _without_tokens(made.text) == _without_tokens(copied.text)
    assert "Walk &lt;the&gt; dog &amp; cat" in copied.text
    assert {k: v for k, v in copied.headers.items() if k != "content-length"} == {
        k: v for k, v in afresh.headers.items() if k != "content-length"}
    # One token per response, in the htmx header and every form, never another's.
    header = re.findall(r'"x-csrftoken": "([^"]+)"', copied.text)
    assert tokens(copied.text) == set(header) and tokens(copied.text) != tokens(made.text)


async def test_the_token_of_a_kept_page_claims_the_wish(
        client: httpx.AsyncClient, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    wish_id = await open_wish(world, owner, staff)
    await login(client, await world.person(helper=True))
    await client.get("/wishes/", headers=EN)
    page = (await client.get("/wishes/", headers=EN)).text  # the kept copy
    (token,) = re.findall(r'"x-csrftoken": "([^"]+)"', page)
    claimed = await client.post(f"/wishes/{wish_id}/claim", headers={"x-csrftoken": token})
    assert claimed.status_code in (200, 303), claimed.text
    assert f"/wishes/{wish_id}/claim" not in (await client.get("/wishes/", headers=EN)).text


async def test_what_differs_between_viewers_and_moments_is_in_the_key(
        client: httpx.AsyncClient, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    wish_id = await open_wish(world, owner, staff)
    helper = await world.person(helper=True)
    await login(client, helper)
    await client.get("/wishes/", headers=EN)  # "Welcome"
    first = (await client.get("/wishes/", headers=EN)).text
    assert f"/wishes/{wish_id}/claim" in card_of(first, wish_id) and "Staff desk" not in first

    await notifications.send(helper.user_id, "wish_approved", title="Mine")
    assert '<span class="badge">' in (await client.get("/wishes/", headers=EN)).text

    async with httpx.AsyncClient(transport=client._transport,  # another person, same app
                                 base_url="http://testserver") as other:
        await login(other, await world.person())  # a resident, not a helper
        await other.get("/wishes/", headers=EN)
        theirs = (await other.get("/wishes/", headers=EN)).text
        assert f"/wishes/{wish_id}/claim" not in theirs and '<span class="badge">' not in theirs
        await login(other, staff)
        await other.get("/wishes/", headers=EN)
        assert "Staff desk" in (await other.get("/wishes/", headers=EN)).text

    chinese = (await client.get("/wishes/", headers={"Accept-Language": "zh-CN"})).text
    assert "认领" in card_of(chinese, wish_id)
    filtered = (await client.get(f"/wishes/?grid={world.grid_id}", headers=EN)).text
    assert f'value="/wishes?grid={world.grid_id}"' in filtered  # the language switch's way back


async def test_a_flash_message_is_shown_once_and_elder_mode_at_once(
        client: httpx.AsyncClient, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    await open_wish(world, owner, staff)
    await login(client, await world.person(helper=True))
    await client.get("/wishes/", headers=EN)
    assert 'class="elder"' not in (await client.get("/wishes/", headers=EN)).text
    switched = await post(client, "/elder-mode", {"elder": "on", "next": "/wishes/"})
    assert switched.status_code == 303
    shown = (await client.get("/wishes/", headers=EN)).text
    again = (await client.get("/wishes/", headers=EN)).text
    assert 'class="flash flash-success"' in shown and 'class="flash flash-' not in again
    assert 'class="elder"' in shown and 'class="elder"' in again
    await post(client, "/elder-mode", {"elder": "off", "next": "/wishes/"})
    await client.get("/wishes/", headers=EN)  # the flash
    assert 'class="elder"' not in (await client.get("/wishes/", headers=EN)).text


def test_a_template_that_reads_more_of_the_viewer_fails_loudly(app: Litestar) -> None:
    viewer = kept.Viewer(is_helper=True, is_staff=False, merchant_ids=frozenset())
    env = app.template_engine.engine  # type: ignore[union-attr]
    assert env.from_string("{{ me.is_helper }}").render(me=viewer) == "True"
    with pytest.raises(kept.NotInKey, match="display_name"):
        env.from_string("{{ me.display_name }}").render(me=viewer)
    with pytest.raises(kept.NotInKey, match="headers"):
        env.from_string("{{ request.headers }}").render(request=kept._Request(app))


def test_every_value_is_in_the_key_and_one_no_dict_can_hold_is_refused() -> None:
    rows = [{"id": 1, "title": "a"}, {"id": 2, "title": "b"}]
    assert kept.freeze(rows) != kept.freeze([rows[0], {"id": 2, "title": "c"}])
    assert kept.freeze({"grid": "1"}) != kept.freeze({"grid": "2"})
    assert kept.freeze([(1, "Grid A")]) != kept.freeze([(1, "Grid B")])
    with pytest.raises(TypeError):
        hash(kept.freeze({"tags": ["a"]}))  # then the page is made each time

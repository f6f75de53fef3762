"""长辈版 (elder mode): one switch, a plain form, remembered for the device and the person,
and a home page with the three main tasks."""

from __future__ import annotations

import httpx

from marketplace.accounts import sessions
from marketplace.wishes import service as wishes
from tests.conftest import World, login, post
from tests.wishes.helpers import open_wish

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}


def is_elder(html: str) -> bool:
    return '<html lang="en" class="elder">' in html or 'class="elder">' in html.split("\n")[1]


async def test_a_visitor_finds_the_switch_on_the_landing_page_by_its_chinese_name(
        client: httpx.AsyncClient) -> None:
    r = await client.get("/", headers=ZH)
    assert "长辈版" in r.text and "关怀版" in r.text and "大字版" in r.text
    assert 'action="/elder-mode"' in r.text and not is_elder(r.text)


async def test_a_visitor_turns_it_on_for_this_device_without_javascript(
        client: httpx.AsyncClient) -> None:
    r = await post(client, "/elder-mode", {"elder": "on", "next": "/login"})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert client.cookies["elder"] == "1"
    page = await client.get("/login", headers=EN)
    assert is_elder(page.text)
    await post(client, "/elder-mode", {"elder": "off", "next": "/"})
    assert not is_elder((await client.get("/login", headers=EN)).text)


async def test_the_person_keeps_it_on_another_device(app, client: httpx.AsyncClient,
                                                      world: World) -> None:
    person = await world.person()
    await login(client, person)
    me = await client.get("/me", headers=EN)
    assert 'action="/elder-mode"' in me.text and "Elder mode" in me.text
    await post(client, "/elder-mode", {"elder": "on", "next": "/me"})
    assert (await sessions.load_principal(person.user_id)).elder_mode is True

    transport = httpx.ASGITransport(app=app, client=("10.9.9.9", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        await login(other, person)
        other.cookies.set("elder", "0")  # this device said no before; the person said yes
        home = await other.get("/", headers=EN)
    assert is_elder(home.text)
    # The simplified home: three large tasks, not the role tiles.
    assert home.text.count('class="elder-tasks"') == 1
    assert 'href="/wishes/new"' in home.text and "Ask for help" in home.text
    assert "My points: 0" in home.text and 'href="/rewards"' in home.text
    assert "active codes" not in home.text


async def test_a_person_who_never_chose_follows_the_device(client: httpx.AsyncClient,
                                                           world: World) -> None:
    person = await world.person()
    await post(client, "/elder-mode", {"elder": "on", "next": "/login"})  # before signing in
    await login(client, person)
    assert is_elder((await client.get("/", headers=EN)).text)
    assert (await sessions.load_principal(person.user_id)).elder_mode is None


async def test_turning_it_off_returns_the_role_home(client: httpx.AsyncClient,
                                                    world: World) -> None:
    person = await world.person()
    await login(client, person)
    await post(client, "/elder-mode", {"elder": "on", "next": "/"})
    r = await post(client, "/elder-mode", {"elder": "off", "next": "//evil.example"})
    assert r.headers["location"] == "/"  # only a path on this site
    home = await client.get("/", headers=EN)
    assert not is_elder(home.text) and "active codes" in home.text
    assert (await sessions.load_principal(person.user_id)).elder_mode is False


async def test_a_helper_in_elder_mode_keeps_the_wishes_near_them_and_their_claims(
        client: httpx.AsyncClient, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    first = await open_wish(world, owner, staff)
    await open_wish(world, owner, staff)
    await login(client, helper)
    await post(client, "/elder-mode", {"elder": "on", "next": "/"})
    home = (await client.get("/", headers=EN)).text
    assert is_elder(home) and f'href="/wishes?grid={world.grid_id}">Wishes near you: 2<' in home
    assert 'href="/wishes/mine">My claims<' not in home  # nothing claimed yet
    await wishes.claim(helper, first)
    home = (await client.get("/", headers=EN)).text
    assert "Wishes near you: 1<" in home and 'href="/wishes/mine">My claims<' in home
    chinese = (await client.get("/", headers={"Accept-Language": "zh-CN"})).text
    assert "附近待认领的心愿：1 个" in chinese
    await login(client, owner)  # a resident who does not help: not shown
    await post(client, "/elder-mode", {"elder": "on", "next": "/"})
    assert "Wishes near you" not in (await client.get("/", headers=EN)).text

"""Redirect targets: only paths on this site, for ``Location`` and ``HX-Redirect`` alike.

Browsers drop tabs and newlines inside a URL and treat a backslash as a slash, so the
property below normalises a target the way a browser does before asking where it leads.
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.web.render import safe_path
from tests.conftest import PASSWORD, World, csrf, login, post

HOSTILE = [
    "/\t/evil.example/x",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/\x00/evil.example",
    "/\x7f/evil.example",
    "/\x85/evil.example",
    "/wishes\r\nSet-Cookie: sid=stolen",
    "evil.example",
]


def as_browser_follows(base: str, target: str) -> str:
    """Where a browser goes: WHATWG URL parsing strips C0 controls and spaces at the ends,
    drops tabs and newlines anywhere, and reads a backslash as a slash."""
    cleaned = target.strip("".join(map(chr, range(0x21))))
    cleaned = "".join(c for c in cleaned if c not in "\t\n\r").replace("\\", "/")
    return urljoin(base, cleaned)


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_fall_back_to_home(target: str) -> None:
    assert safe_path(target) == "/"


def test_same_site_paths_survive_and_non_ascii_is_encoded() -> None:
    assert safe_path("/wishes?page=2&q=a") == "/wishes?page=2&q=a"
    assert safe_path("/wishes/12#top") == "/wishes/12#top"
    assert safe_path("/wishes?q=买菜") == "/wishes?q=%E4%B9%B0%E8%8F%9C"
    assert safe_path("", "/manage") == "/manage"
    assert safe_path(None) == "/"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
       | st.text(alphabet="/\\\t\n\r :.%@?#ae\x00\x0b\x85 ", max_size=12).map(lambda s: "/" + s))
def test_any_target_stays_on_this_site(target: str) -> None:
    result = safe_path(target)
    followed = as_browser_follows("https://ours.example/a/b", result)
    assert followed.startswith("https://ours.example/")
    assert result.isascii() and result.isprintable() and " " not in result


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\r\n/evil.example", "//evil.example"])
async def test_login_never_sends_people_elsewhere(client, world: World, target: str) -> None:
    person = await world.person()
    token = await csrf(client)
    form = {"login": person.login, "password": PASSWORD, "next": target, "_csrf_token": token}
    r = await client.post("/login", data=form, headers={"hx-request": "true"})
    assert r.status_code == 200 and r.headers["hx-redirect"] == "/"
    r = await client.post("/login", data=form)
    assert r.status_code == 303 and r.headers["location"] == "/"


async def test_login_keeps_a_same_site_next(client, world: World) -> None:
    person = await world.person()
    r = await post(client, "/login", {"login": person.login, "password": PASSWORD,
                                      "next": "/points?page=2"})
    assert r.status_code == 303 and r.headers["location"] == "/points?page=2"


async def test_login_page_does_not_carry_a_hostile_next(client) -> None:
    r = await client.get("/login", params={"next": "/\t/evil.example"})
    assert r.status_code == 200
    assert 'name="next" value="/"' in r.text


async def test_language_switch_never_sends_people_elsewhere(client) -> None:
    for target in ["/\t/evil.example", "/\r\nX-Evil: 1", "https://evil.example"]:
        r = await post(client, "/language", {"lang": "en", "next": target},
                       headers={"hx-request": "true"})
        assert r.status_code == 200 and r.headers["hx-redirect"] == "/"
        assert "x-evil" not in r.headers
        r = await post(client, "/language", {"lang": "en", "next": target})
        assert r.status_code == 303 and r.headers["location"] == "/"
    r = await post(client, "/language", {"lang": "en", "next": "/wishes"})
    assert r.headers["location"] == "/wishes"


async def test_language_switch_returns_to_the_list_as_it_was_filtered(
        client, world: World) -> None:
    """The footer's ``next`` is the page's path and query; htmx sends the address bar as it
    is now (a filter answered by htmx changed it), which wins, but only as a path here."""
    await login(client, await world.person(helper=True))
    page = await client.get("/wishes/", params={"q": "tap", "category": "2"})
    assert 'name="next" value="/wishes?q=tap&amp;category=2"' in page.text
    r = await post(client, "/language", {"lang": "en", "next": "/wishes/?q=tap&category=2"})
    assert r.status_code == 303 and r.headers["location"] == "/wishes/?q=tap&category=2"
    r = await post(client, "/language", {"lang": "zh", "next": "/wishes/"},
                   headers={"hx-request": "true",
                            "hx-current-url": "http://testserver/wishes/?grid=3"})
    assert r.headers["hx-redirect"] == "/wishes/?grid=3"
    for hostile in ["https://evil.example//evil.example/x", "http://testserver/\t/evil"]:
        r = await post(client, "/language", {"lang": "en", "next": "/points"},
                       headers={"hx-request": "true", "hx-current-url": hostile})
        assert r.headers["hx-redirect"] == "/points"

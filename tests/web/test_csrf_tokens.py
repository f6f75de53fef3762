"""A tampered or malformed CSRF token, in the form field or the ``X-CSRFToken`` header,
answers the polite 403 page — never a 500 (Litestar's own check raised ``TypeError`` on a
non-ASCII token: what an off-the-shelf scanner sends)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD, World, csrf

EN = {"accept-language": "en"}
POLITE = "form has expired"
ROUTES = ["/login", "/register", "/language", "/logout"]


def tampered(valid: str) -> list[str]:
    return [
        valid + "é",
        valid[:-1] + "\u00ff",
        "中" * 10,
        valid * 200,
        "x" * 100_000,
        "",
        " ",
        valid[:64],
        valid[:64] + "é" * 64,
        "\x00" * 128,
        valid.upper(),
    ]


def assert_polite_403(r: httpx.Response) -> None:
    assert r.status_code == 403, r.text[:300]
    assert POLITE in r.text


@pytest.mark.parametrize("route", ROUTES)
async def test_tampered_token_in_the_field(client, route: str) -> None:
    valid = await csrf(client)
    for token in tampered(valid):
        r = await client.post(route, data={"login": "x", "password": "y", "_csrf_token": token},
                              headers=EN)
        assert_polite_403(r)


@pytest.mark.parametrize("route", ROUTES)
async def test_tampered_token_in_the_header(client, route: str) -> None:
    valid = await csrf(client)
    values = [t.encode("utf-8") for t in tampered(valid) if t.strip()] + [
        valid.encode() + b"\xe9", b"\xff\xfe" * 50, valid.encode() + b"\x80",
    ]
    for token in values:
        r = await client.post(route, data={"login": "x"}, headers={**EN, "x-csrftoken": token})
        assert_polite_403(r)
        r = await client.post(route, data={"login": "x"},
                              headers={**EN, "x-csrftoken": token, "hx-request": "true"})
        assert r.status_code < 500 and POLITE in r.text  # htmx: shown in the flash area


async def test_a_file_under_the_tokens_name_is_refused(client) -> None:
    await csrf(client)
    r = await client.post("/login", data={"login": "x"}, headers=EN,
                          files={"_csrf_token": ("t.txt", b"\xff" * 200, "text/plain")})
    assert_polite_403(r)


async def test_tampered_cookie_is_refused(client) -> None:
    valid = await csrf(client)
    r = await client.post("/login", data={"login": "x", "_csrf_token": valid},
                          headers={**EN, "cookie": f"csrftoken={valid}é".encode()})
    assert_polite_403(r)


async def test_valid_token_still_works_in_field_and_header(client, world: World) -> None:
    person = await world.person()
    token = await csrf(client)
    r = await client.post("/login", data={"login": person.login, "password": PASSWORD,
                                          "_csrf_token": token})
    assert r.status_code == 303
    r = await client.post("/language", data={"lang": "en"},
                          headers={"x-csrftoken": token})
    assert r.status_code == 303


@pytest.fixture
async def fresh(app) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver") as c:
        yield c, await csrf(c)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(suffix=st.text(min_size=1, max_size=200), raw=st.binary(max_size=300))
async def test_any_tampered_token_is_a_polite_403(fresh, suffix: str, raw: bytes) -> None:
    client, valid = fresh
    r = await client.post("/language", data={"lang": "en", "_csrf_token": valid + suffix},
                          headers=EN)
    assert_polite_403(r)
    if raw.strip() and not raw.startswith(valid.encode()):
        r = await client.post("/language", data={"lang": "en"},
                              headers={**EN, "x-csrftoken": raw})
        assert_polite_403(r)

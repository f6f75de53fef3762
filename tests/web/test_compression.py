"""Pages are gzipped for browsers that accept it, and the CSRF token they carry is masked
afresh in every response (a compressed page with a fixed secret next to reflected text
leaks the secret to whoever sees the sizes: BREACH), yet still accepted."""

from __future__ import annotations

import re

import httpx

from marketplace.web.security import mask_token, unmask_token
from tests.conftest import World, csrf, login

EN = {"accept-language": "en"}
TOKEN_IN_FORM = re.compile(r'name="_csrf_token" value="([^"]+)"')


def test_a_masked_token_differs_every_time_and_unmasks_to_the_token() -> None:
    token = "ab" * 40
    first, second = mask_token(token), mask_token(token)
    assert first != second and token not in first
    assert unmask_token(first) == unmask_token(second) == token
    for junk in ("", "zz", "abc", None, 12, "00" * 3):
        assert unmask_token(junk) is None  # never an error


async def test_pages_are_gzipped_when_the_browser_accepts_it(client: httpx.AsyncClient,
                                                            world: World) -> None:
    await login(client, await world.person(helper=True))
    plain = await client.get("/wishes/", headers={**EN, "accept-encoding": "identity"})
    zipped = await client.get("/wishes/", headers={**EN, "accept-encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["vary"]
    assert "Open wishes" in zipped.text  # httpx unzips it


async def test_each_page_carries_a_fresh_token_that_a_form_may_post(
        client: httpx.AsyncClient) -> None:
    await csrf(client)
    tokens = [TOKEN_IN_FORM.search((await client.get("/login", headers=EN)).text)
              for _ in range(2)]
    assert tokens[0] and tokens[1] and tokens[0][1] != tokens[1][1]
    assert client.cookies["csrftoken"] not in (tokens[0][1], tokens[1][1])
    r = await client.post("/language", data={"language": "en", "_csrf_token": tokens[0][1]})
    assert r.status_code in (200, 303), r.text[:300]
    r = await client.post("/language", data={"language": "en",
                                              "_csrf_token": tokens[1][1][:-2] + "00"})
    assert r.status_code == 403


async def test_a_form_sent_back_after_a_post_carries_a_token_that_works(
        client: httpx.AsyncClient) -> None:
    plain = await csrf(client)  # posted as API clients do: the cookie's value
    r = await client.post("/login", data={"login": "nobody", "password": "wrong",
                                          "_csrf_token": plain}, headers=EN)
    assert r.status_code == 422
    again = TOKEN_IN_FORM.search(r.text)
    assert again and again[1] != plain
    r = await client.post("/login", data={"login": "nobody", "password": "wrong",
                                          "_csrf_token": again[1]}, headers=EN)
    assert r.status_code == 422  # the CSRF check passed; the password did not

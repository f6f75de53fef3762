"""Error pages speak the visitor's language even when they come before sign-in is read."""

from __future__ import annotations

import httpx

from tests.conftest import text_of


async def test_unknown_url_in_chinese_and_english(client: httpx.AsyncClient) -> None:
    zh = await client.get("/no/such/page", headers={"accept-language": "zh-CN"})
    en = await client.get("/no/such/page", headers={"accept-language": "en"})
    assert zh.status_code == en.status_code == 404
    assert "Page not found" in text_of(en.text)
    assert "Page not found" not in text_of(zh.text)


async def test_missing_csrf_token_in_chinese(client: httpx.AsyncClient) -> None:
    response = await client.post("/login", data={"login": "x", "password": "y"},
                                 headers={"accept-language": "zh-CN"})
    assert response.status_code == 403
    assert "This form has expired" not in text_of(response.text)


async def test_id_no_row_can_have_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/wishes/99999999999")
    assert response.status_code in (401, 404)  # signed out: sign in first, never a 500

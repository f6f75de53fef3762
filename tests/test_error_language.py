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


async def test_a_form_address_opened_as_a_page_is_the_not_found_page(
        client: httpx.AsyncClient) -> None:
    """A form's action typed in or bookmarked is, to a person, a page that is not there."""
    unknown = await client.get("/no/such/page", headers={"accept-language": "zh-CN"})
    for language in ("zh-CN", "en"):
        response = await client.get("/staff/privacy-requests/1/answer",
                                    headers={"accept-language": language})
        assert response.status_code == 404
        if language == "en":
            assert "Page not found" in text_of(response.text)
        else:
            assert text_of(response.text) == text_of(unknown.text)
    assert (await client.head("/staff/privacy-requests/1/answer")).status_code == 404


async def test_a_program_still_hears_which_methods_an_api_address_takes(
        client: httpx.AsyncClient) -> None:
    response = await client.get("/api/wishes/1/claim")
    assert response.status_code == 405
    assert "POST" in response.headers["allow"]
    assert response.json()["error"]["status"] == 405
    # A method no link or form makes stays a refusal on pages too, with what is allowed.
    deleted = await client.delete("/login")
    assert deleted.status_code == 405 and "POST" in deleted.headers["allow"]

"""The flash message cookie's Set-Cookie header, written directly (issue 13), is the very
header Litestar writes for the same cookie."""

from __future__ import annotations

import dataclasses

import pytest
from litestar import Response
from litestar.datastructures import Cookie

from marketplace.web import flash


@pytest.mark.parametrize("secure", [False, True])
@pytest.mark.parametrize("message", ["Claimed.", "已认领 — 谢谢!", 'quote " and ; semi', ""])
def test_the_header_is_litestars(secure: bool, message: str,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = dataclasses.replace(flash.settings.get(), cookie_secure=secure)
    monkeypatch.setattr(flash.settings, "get", lambda: chosen)
    response = flash.add(Response(content=None), message, "error")
    [cookie] = response.cookies
    assert isinstance(cookie, flash.FlashCookie)
    assert cookie.to_encoded_header() == Cookie.to_encoded_header(cookie)


@pytest.mark.parametrize("value", ["plain", "with=equals.abc", 'odd "value";', ""])
def test_other_shapes_match_too(value: str) -> None:
    for cookie in (flash.FlashCookie(key="k", value=value, httponly=True, max_age=5),
                   flash.FlashCookie(key="k", value=value, domain="example.org"),
                   flash.FlashCookie(key="k", value=value, httponly=True)):
        assert cookie.to_encoded_header() == Cookie.to_encoded_header(cookie)

"""The Set-Cookie headers written directly (the flash message's, the CSRF token's; issue
13) are the very headers Litestar writes for the same cookies."""

from __future__ import annotations

import dataclasses

import pytest
from litestar import Response
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import Cookie
from litestar.middleware.csrf import CSRFMiddleware

from marketplace.web import cookies, flash
from marketplace.web.security import StrictCSRFMiddleware


@pytest.mark.parametrize("secure", [False, True])
@pytest.mark.parametrize("message", ["Claimed.", "已认领 — 谢谢!", 'quote " and ; semi', ""])
def test_the_header_is_litestars(secure: bool, message: str,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = dataclasses.replace(flash.settings.get(), cookie_secure=secure)
    monkeypatch.setattr(flash.settings, "get", lambda: chosen)
    response = flash.add(Response(content=None), message, "error")
    [cookie] = response.cookies
    assert isinstance(cookie, cookies.DirectCookie)
    assert cookie.to_encoded_header() == Cookie.to_encoded_header(cookie)


@pytest.mark.parametrize("value", ["plain", "with=equals.abc", 'odd "value";', ""])
def test_other_shapes_match_too(value: str) -> None:
    for cookie in (cookies.DirectCookie(key="k", value=value, httponly=True, max_age=5),
                   cookies.DirectCookie(key="k", value=value, domain="example.org"),
                   cookies.DirectCookie(key="k", value=value, httponly=True),
                   cookies.DirectCookie(key="k", value=value, httponly=True, secure=False),
                   cookies.DirectCookie(key="k", value=value, secure=True, samesite="strict"),
                   cookies.DirectCookie(key="k", value=value, max_age=0, path="/x"),
                   cookies.DirectCookie(key="k", value=value, expires=0, max_age=0)):
        assert cookie.to_encoded_header() == Cookie.to_encoded_header(cookie)


@pytest.mark.parametrize("secure", [False, True])
def test_the_csrf_cookie_is_litestars(secure: bool) -> None:
    config = CSRFConfig(secret="s" * 32, cookie_secure=secure, cookie_httponly=True,
                        cookie_samesite="lax")
    ours, theirs = {"headers": []}, {"headers": []}
    StrictCSRFMiddleware(app=None, config=config)._set_cookie_if_needed(ours, "tok=en")
    CSRFMiddleware(app=None, config=config)._set_cookie_if_needed(theirs, "tok=en")
    assert ours == theirs and ours["headers"]

"""Security headers on every response, error pages from the router included; the CSRF
check that never fails on a malformed token, with the token masked in every page.

A ``before_send`` hook rather than a middleware for the headers: Litestar answers unknown
URLs (404/405) before middleware runs, and those pages need the headers too.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from secrets import compare_digest
from typing import Any

from litestar.connection import ASGIConnection, Request
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware._utils import should_bypass_middleware
from litestar.middleware.csrf import CSRFMiddleware, generate_csrf_token
from litestar.types import HTTPResponseStartEvent, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from marketplace.web.cookies import DirectCookie

# htmx runs with allowEval=false and no inline scripts or styles, so the policy needs no
# 'unsafe-inline' or 'unsafe-eval'. Images may be data: URIs (QR codes).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(self), geolocation=(), microphone=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
_HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
_NO_STORE = (b"cache-control", b"no-store")
_OURS = frozenset(name for name, _ in (*_HEADERS, _HSTS))


async def add_security_headers(message: Message, scope: Scope) -> None:
    """Every response's security headers, in place of any a handler set. The raw header
    list is rewritten in one pass (every response goes through here; header objects
    cost a scan of the list for each header set)."""
    if message["type"] != "http.response.start":
        return
    headers = [(name, value) for name, value in message.get("headers", ())
               if name.lower() not in _OURS]
    headers.extend(_HEADERS)
    if scope.get("scheme") == "https":
        headers.append(_HSTS)
    if scope.get("user") is not None and not any(
            name.lower() == b"cache-control" for name, _ in headers):
        # A signed-in page holds personal data (balance, phone numbers): on a shared family
        # phone, Back after signing out must not show it from the cache.
        headers.append(_NO_STORE)
    message["headers"] = headers


def mask_token(token: str) -> str:
    """The CSRF token as pages carry it: a fresh random pad, then the token XOR the pad
    (base64, 128 characters for Litestar's 96 hex digits).

    Pages are gzipped and some repeat what the reader typed (a search): with the same token
    in every page, an attacker who can see the compressed sizes could guess it a character
    at a time (BREACH). Masked, it differs in every response."""
    raw = bytes.fromhex(token)
    pad = secrets.token_bytes(len(raw))
    return base64.urlsafe_b64encode(pad + _xor(raw, pad)).decode("ascii")


def _xor(a: bytes, b: bytes) -> bytes:
    """Byte by byte, as whole numbers: every page masks a token (a loop over the bytes cost
    more than the rest of the CSRF check)."""
    return (int.from_bytes(a) ^ int.from_bytes(b)).to_bytes(len(a))


def unmask_token(value: Any) -> str | None:
    """The token inside ``mask_token``'s output; None for what cannot be one (whether it
    is a valid token is the CSRF check's business)."""
    if not isinstance(value, str) or not value.isascii():
        return None
    try:
        raw = base64.urlsafe_b64decode(value)
    except (binascii.Error, ValueError):
        return None
    half = len(raw) // 2
    if not half or len(raw) % 2:
        return None
    return _xor(raw[half:], raw[:half]).hex()


class StrictCSRFMiddleware(CSRFMiddleware):
    """Litestar's CSRF check, refusing (403, the polite page) any token that is not plain
    ASCII text instead of failing with a 500: its ``compare_digest`` raises ``TypeError``
    on a non-ASCII string, and a form may send a file under the token's name. Pages carry
    the token masked (``mask_token``), anew in every response; the plain cookie value is
    accepted too (API clients). Wired in ``create_app`` as a middleware in place of
    ``csrf_config``, which takes no subclass.

    ``__call__`` is Litestar's, with each token's signature checked once: a valid token is
    its secret followed by that secret's HMAC, so two valid tokens hold the same secret
    exactly when they are the same text, and the sent token (plain or unmasked) need only
    equal the cookie's valid one. Litestar's own check computed the HMAC four times per
    POST and twice more to mask the token for the page (issue 13)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or should_bypass_middleware(
                scope=scope, scopes=self.scopes,
                exclude_opt_key=self.config.exclude_from_csrf_key,
                exclude_path_pattern=self.exclude):
            await self.app(scope, receive, send)
            return
        # Who is asking read the cookies already (kept in the scope's state).
        cookie = ASGIConnection(scope).cookies.get(self.config.cookie_name)
        state = ScopeState.from_scope(scope)
        if scope["method"] in self.config.safe_methods:
            token = cookie or generate_csrf_token(secret=self.config.secret)
            # Only a valid token is masked (a forged cookie stays as it came).
            valid = cookie is None or self._decode_csrf_token(cookie) is not None
            state.csrf_token = mask_token(token) if valid else token
            await self.app(scope, receive,
                           self.create_send_wrapper(send=send, csrf_cookie=cookie, token=token))
            return
        sent = await self._sent_token(
            scope["litestar_app"].request_class(scope=scope, receive=receive))
        if (cookie is None or sent is None or not cookie.isascii()
                or not (compare_digest(sent, cookie) or compare_digest(
                    unmask_token(sent) or "", cookie))
                or self._decode_csrf_token(cookie) is None):
            raise PermissionDeniedException("CSRF token verification failed")
        state.csrf_token = mask_token(cookie)
        await self.app(scope, receive, send)

    async def _sent_token(self, request: Request) -> str | None:
        """The header's token, else the form field's; None unless it is ASCII text."""
        sent: Any = request.headers.get(self.config.header_name)
        if not sent and request.content_type[0] in {
                RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART}:
            sent = (await request.form()).get("_csrf_token", None)
        return sent if isinstance(sent, str) and sent.isascii() else None

    def _set_cookie_if_needed(self, message: HTTPResponseStartEvent, token: str) -> None:
        """Litestar's cookie, its header written directly (``web.cookies``): every first
        visit sets it."""
        _, value = DirectCookie(
            key=self.config.cookie_name, value=token, path=self.config.cookie_path,
            secure=self.config.cookie_secure, httponly=self.config.cookie_httponly,
            samesite=self.config.cookie_samesite, domain=self.config.cookie_domain,
        ).to_encoded_header()
        MutableScopeHeaders.from_message(message).add("set-cookie", value.decode("latin-1"))

    def _decode_csrf_token(self, token: Any) -> str | None:
        if not isinstance(token, str) or not token.isascii():
            return None
        return super()._decode_csrf_token(token)

"""Security headers on every response, error pages from the router included; the CSRF
check that never fails on a malformed token, with the token masked in every page.

A ``before_send`` hook rather than a middleware for the headers: Litestar answers unknown
URLs (404/405) before middleware runs, and those pages need the headers too.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from typing import Any

from litestar.config.csrf import CSRFConfig
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

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
    ``csrf_config``, which takes no subclass."""

    def __init__(self, app: ASGIApp, config: CSRFConfig) -> None:
        super().__init__(self._pages_get_masked_tokens(app), config)

    def _pages_get_masked_tokens(self, app: ASGIApp) -> ASGIApp:
        # The cookie keeps the plain token (Litestar sets it from its own variable); what
        # the templates read (csrf_input, csrf_token()) is masked. Only a valid token is
        # masked: after a POST the state holds what was sent, plain or masked.
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            state = ScopeState.from_scope(scope)
            plain = self._plain_token(state.csrf_token)
            if plain is not None:
                state.csrf_token = mask_token(plain)
            await app(scope, receive, send)

        return wrapped

    def _plain_token(self, token: Any) -> str | None:
        """The valid plain token that ``token`` is or masks, else None."""
        if isinstance(token, str) and self._decode_csrf_token(token) is not None:
            return token  # plain: the cookie's, on every page view
        candidate = unmask_token(token)
        if candidate is not None and self._decode_csrf_token(candidate) is not None:
            return candidate
        return None

    def _decode_csrf_token(self, token: Any) -> str | None:
        if not isinstance(token, str) or not token.isascii():
            return None
        return super()._decode_csrf_token(token)

    def _csrf_tokens_match(self, request_csrf_token: str, cookie_csrf_token: str) -> bool:
        token = self._plain_token(request_csrf_token)
        return token is not None and super()._csrf_tokens_match(token, cookie_csrf_token)

"""Security headers on every response, error pages from the router included; the CSRF
check that never fails on a malformed token.

A ``before_send`` hook rather than a middleware for the headers: Litestar answers unknown
URLs (404/405) before middleware runs, and those pages need the headers too.
"""

from __future__ import annotations

from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import Message, Scope

# htmx runs with allowEval=false and no inline scripts or styles, so the policy needs no
# 'unsafe-inline' or 'unsafe-eval'. Images may be data: URIs (QR codes).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


async def add_security_headers(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    headers["Content-Security-Policy"] = CSP
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(self), geolocation=(), microphone=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if scope.get("scheme") == "https":
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if scope.get("user") is not None and "cache-control" not in headers:
        # A signed-in page holds personal data (balance, phone numbers): on a shared family
        # phone, Back after signing out must not show it from the cache.
        headers["Cache-Control"] = "no-store"


class StrictCSRFMiddleware(CSRFMiddleware):
    """Litestar's CSRF check, refusing (403, the polite page) any token that is not plain
    ASCII text instead of failing with a 500: its ``compare_digest`` raises ``TypeError``
    on a non-ASCII string, and a form may send a file under the token's name. Wired in
    ``create_app`` as a middleware in place of ``csrf_config``, which takes no subclass."""

    def _decode_csrf_token(self, token: Any) -> str | None:
        if not isinstance(token, str) or not token.isascii():
            return None
        return super()._decode_csrf_token(token)

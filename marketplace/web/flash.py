"""One-shot messages carried across a redirect in a signed cookie (no server state)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from litestar import Request, Response

from marketplace import settings
from marketplace.web.cookies import DirectCookie

COOKIE = "flash"


def _sign(payload: bytes) -> str:
    key = settings.get().secret_key.encode()
    mac = hmac.new(key, payload, hashlib.sha256).hexdigest()[:32]
    return base64.urlsafe_b64encode(payload).decode() + "." + mac


def _unsign(value: str) -> list[list[str]]:
    try:
        body, mac = value.rsplit(".", 1)
        payload = base64.urlsafe_b64decode(body.encode())
    except ValueError:
        return []
    key = settings.get().secret_key.encode()
    if not hmac.compare_digest(hmac.new(key, payload, hashlib.sha256).hexdigest()[:32], mac):
        return []
    try:
        data = json.loads(payload)
    except ValueError:
        return []
    return [m for m in data if isinstance(m, list) and len(m) == 2][:5]


def add(response: Response, message: str, category: str = "success") -> Response:
    response.set_cookie(DirectCookie(
        key=COOKIE,
        value=_sign(json.dumps([[category, message]]).encode()),
        httponly=True,
        samesite="lax",
        secure=settings.get().cookie_secure,
        max_age=120,
    ))
    return response


def take(request: Request) -> list[list[str]]:
    """Messages for this page; the caller's response deletes the cookie."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return []
    request.scope.setdefault("state", {})["clear_flash"] = True
    return _unsign(raw)

"""Set-Cookie headers written directly: Litestar builds each through
``dataclasses.asdict`` and ``http.cookies``, ~0.2 ms on a request that costs about 1 ms
(issue 13). The bytes are the same (``tests/web/test_flash_cookie.py``)."""

from __future__ import annotations

from http.cookies import SimpleCookie

from litestar.datastructures import Cookie


class DirectCookie(Cookie):
    """Litestar's ``Cookie`` with its header written here, attributes in the order
    ``http.cookies`` writes them (sorted by name). A cookie with a domain or an expiry
    date takes Litestar's way."""

    def to_encoded_header(self) -> tuple[bytes, bytes]:
        if self.domain is not None or self.expires is not None:
            return super().to_encoded_header()
        parts = [f"{self.key}={SimpleCookie().value_encode(self.value or '')[1]}"]
        if self.httponly:
            parts.append("HttpOnly")
        if self.max_age is not None:
            parts.append(f"Max-Age={self.max_age:d}")
        if self.path:
            parts.append(f"Path={self.path}")
        if self.samesite:
            parts.append(f"SameSite={self.samesite}")
        if self.secure:
            parts.append("Secure")
        return b"set-cookie", "; ".join(parts).encode("latin-1")

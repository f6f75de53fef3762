"""Every ``/api`` write honours an ``Idempotency-Key`` header (``marketplace.idempotency``):
the same key and body again → the first answer, replayed; the same key with another body
→ 409. Without the header a request runs as before."""

from __future__ import annotations

import json

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from marketplace import idempotency
from marketplace.errors import Conflict, DomainError
from marketplace.principal import Principal
from marketplace.web.security import add_security_headers

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Per-response headers that are not part of the answer to replay.
NOT_REPLAYED = {"content-length", "set-cookie", "date", "server"}
# Refusals before any work (signed out, no CSRF token, not allowed) and server errors are
# not kept: the same key may be sent again once the cause is fixed.
NOT_KEPT = {401, 403}
_HEADER = idempotency.HEADER.encode()


async def _send(scope: Scope, send: Send, status: int, body: bytes,
                headers: list[tuple[bytes, bytes]]) -> None:
    start: Message = {"type": "http.response.start", "status": status, "headers": [
        *headers, (b"content-length", str(len(body)).encode())]}
    await add_security_headers(start, scope)
    await send(start)
    await send({"type": "http.response.body", "body": body})


def idempotency_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        # Pages and reads (nearly every request) pass straight through, headers unread.
        if (scope["type"] != "http" or scope["method"] not in WRITES
                or not scope["path"].startswith("/api/")):
            await app(scope, receive, send)
            return
        principal = scope.get("user")
        raw_key = next((v for k, v in scope.get("headers", ()) if k == _HEADER), None)
        if raw_key is None or not isinstance(principal, Principal):
            await app(scope, receive, send)
            return
        user_id = principal.user_id
        key = raw_key.decode("latin-1")
        # Read the whole body: its digest decides whether a reused key is the same request.
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        print_ = idempotency.fingerprint(scope["method"], scope["path"],
                                         scope.get("query_string", b""), body)
        try:
            saved = await idempotency.claim(user_id, key, print_)
        except DomainError as exc:
            status = 409 if isinstance(exc, Conflict) else 422
            payload = {"error": {"status": status, "message": exc.message}}
            await _send(scope, send, status, json.dumps(payload, ensure_ascii=False).encode(),
                        [(b"content-type", b"application/json")])
            return
        if saved is not None:
            await _send(scope, send, saved.status, saved.body.encode(), [
                *((k.encode("latin-1"), v.encode("latin-1")) for k, v in saved.headers),
                (b"idempotent-replayed", b"true")])
            return

        replayed = False

        async def replay_body() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        status = 500
        headers: list[tuple[str, str]] = []
        out: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers.extend(
                    (name.decode("latin-1"), value.decode("latin-1"))
                    for name, value in message.get("headers", ())
                    if name.decode("latin-1").lower() not in NOT_REPLAYED)
            elif message["type"] == "http.response.body":
                out.append(message.get("body", b""))
            await send(message)

        try:
            await app(scope, replay_body, keep)
        except BaseException:
            await idempotency.forget(user_id, key)
            raise
        if status >= 500 or status in NOT_KEPT:
            await idempotency.forget(user_id, key)
        else:
            await idempotency.save(user_id, key, idempotency.Answer(
                status, b"".join(out).decode("utf-8", "replace"), tuple(headers)))

    return middleware

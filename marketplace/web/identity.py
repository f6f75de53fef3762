"""Who is asking: the session cookie becomes a Principal on every request, and the
language of the answer is chosen.

The Principal is composed here, above the domains, in one query: accounts turn the session
into a person with staff and helper roles and take extra columns from the caller; the
shops add the merchants that person acts for (accounts know nothing of shops) and the
notifications the unread count for the header. One round trip instead of three, on every
request.
"""

from __future__ import annotations

import dataclasses
import functools

from litestar.connection import ASGIConnection
from litestar.types import ASGIApp, Receive, Scope, Send

from marketplace import db, i18n, settings
from marketplace.accounts import sessions
from marketplace.notifications import service as notifications
from marketplace.principal import Principal
from marketplace.privacy import consents
from marketplace.rewards import merchants
from marketplace.web.auth import ELDER_COOKIE, LANG_COOKIE, SESSION_COOKIE


@functools.cache
def _extra_columns() -> tuple[tuple[str, str], ...]:
    return (("merchant_ids", merchants.merchant_ids_sql()),
            ("unread", notifications.UNREAD_COUNT_SQL),
            ("notice_version", consents.NOTICE_VERSION_SQL))


async def who_is_asking(token: str | None) -> tuple[Principal | None, int, str | None]:
    """The person behind the session cookie (merchant roles included), their unread
    notifications and the privacy notice version they agreed to; (None, 0, None) without a
    live session."""
    row = await sessions.session_row(token, _extra_columns()) if token else None
    if row is None:
        return None, 0, None
    principal = sessions.principal_from_row(row)
    ids = db.parse_id_list(row["merchant_ids"])
    if ids:
        principal = dataclasses.replace(principal, merchant_ids=ids)
    return principal, int(row["unread"] or 0), row["notice_version"]


def elder_mode(principal: Principal | None, cookie: str | None) -> bool:
    """长辈版: the person's own choice wherever they sign in, else this device's."""
    if principal is not None and principal.elder_mode is not None:
        return principal.elder_mode
    return cookie == "1"


def auth_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await app(scope, receive, send)
            return
        connection: ASGIConnection = ASGIConnection(scope)
        principal, unread, notice = await who_is_asking(connection.cookies.get(SESSION_COOKIE))
        scope["user"] = principal
        state = scope.setdefault("state", {})
        if principal is not None:
            state["unread"] = unread
            state["notice_version"] = notice
        language = i18n.pick_language(
            principal.language if principal else None,
            connection.cookies.get(LANG_COOKIE),
            connection.headers.get("accept-language"),
            settings.get().default_language,
        )
        state["language"] = language
        state["elder"] = elder_mode(principal, connection.cookies.get(ELDER_COOKIE))
        reset = i18n.current_language.set(language)
        try:
            await app(scope, receive, send)
        finally:
            i18n.current_language.reset(reset)

    return middleware

"""Who is asking: the session cookie becomes a Principal on every request, and the
language of the answer is chosen.

The Principal is composed here, above the domains: accounts turn the session into a
person with staff and helper roles (one query), and the shops add the merchants that
person acts for, since accounts know nothing of shops.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.types import ASGIApp, Receive, Scope, Send

from marketplace import i18n, settings
from marketplace.accounts import sessions
from marketplace.notifications import service as notifications
from marketplace.principal import Principal
from marketplace.rewards import merchants
from marketplace.web.auth import ELDER_COOKIE, LANG_COOKIE, SESSION_COOKIE


async def who_is_asking(token: str | None) -> Principal | None:
    principal = await sessions.principal_for_session(token) if token else None
    return await merchants.with_merchant_roles(principal) if principal else None


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
        principal = await who_is_asking(connection.cookies.get(SESSION_COOKIE))
        scope["user"] = principal
        if principal is not None and scope["method"] == "GET":
            scope.setdefault("state", {})["unread"] = await notifications.unread_count(
                principal)
        language = i18n.pick_language(
            principal.language if principal else None,
            connection.cookies.get(LANG_COOKIE),
            connection.headers.get("accept-language"),
            settings.get().default_language,
        )
        scope.setdefault("state", {})["language"] = language
        scope["state"]["elder"] = elder_mode(principal, connection.cookies.get(ELDER_COOKIE))
        reset = i18n.current_language.set(language)
        try:
            await app(scope, receive, send)
        finally:
            i18n.current_language.reset(reset)

    return middleware

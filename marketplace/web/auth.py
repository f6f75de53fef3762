"""Who is asking: the session cookie becomes a Principal on every request; route guards."""

from __future__ import annotations

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Receive, Scope, Send

from marketplace import i18n, settings
from marketplace.accounts import sessions
from marketplace.i18n import _
from marketplace.notifications import service as notifications
from marketplace.principal import Principal

SESSION_COOKIE = "sid"
LANG_COOKIE = "lang"


def auth_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await app(scope, receive, send)
            return
        connection: ASGIConnection = ASGIConnection(scope)
        token = connection.cookies.get(SESSION_COOKIE)
        principal = await sessions.principal_for_session(token) if token else None
        scope["user"] = principal
        if principal is not None and scope["method"] == "GET":
            scope.setdefault("state", {})["unread"] = await notifications.unread_count(
                principal.user_id)
        language = i18n.pick_language(
            principal.language if principal else None,
            connection.cookies.get(LANG_COOKIE),
            connection.headers.get("accept-language"),
            settings.get().default_language,
        )
        scope.setdefault("state", {})["language"] = language
        reset = i18n.current_language.set(language)
        try:
            await app(scope, receive, send)
        finally:
            i18n.current_language.reset(reset)

    return middleware


def current(request: Request) -> Principal | None:
    return request.scope.get("user")


def require_user(request: Request) -> Principal:
    principal = current(request)
    if principal is None:
        raise NotAuthorizedException(_("Please sign in to continue."))
    return principal


def require_staff(request: Request, community_id: int | None = None) -> Principal:
    principal = require_user(request)
    if community_id is None:
        if not principal.is_staff:
            raise PermissionDeniedException(_("This page is for community staff."))
    elif not principal.can_staff(community_id):
        raise PermissionDeniedException(_("This page is for staff of that community."))
    return principal


def require_admin(request: Request) -> Principal:
    principal = require_user(request)
    if not principal.is_admin:
        raise PermissionDeniedException(_("This page is for administrators."))
    return principal


def login_required(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    if connection.scope.get("user") is None:
        raise NotAuthorizedException(_("Please sign in to continue."))


def staff_required(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    login_required(connection, _handler)
    if not connection.scope["user"].is_staff:
        raise PermissionDeniedException(_("This page is for community staff."))

"""Route guards and the cookies that say who is asking (the middleware that reads them is
``web.identity``)."""

from __future__ import annotations

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from marketplace.i18n import _
from marketplace.principal import Principal

SESSION_COOKIE = "sid"
LANG_COOKIE = "lang"


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

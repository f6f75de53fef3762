"""Route guards and the cookies that say who is asking (the middleware that reads them is
``web.identity``).

A guard is the coarse first gate of a controller (signed in; staff of some community).
Whether this person may act on this object is decided by the service, which takes the
Principal (``request.principal``).

A controller or handler names its guard as ``opt = {auth.GUARD: auth.login_required}``
(a handler's replaces its controller's: ``staff_required`` includes the sign-in check),
and ``check_guard`` runs it first thing in the app's ``before_request`` — where Litestar
runs its ``guards``, after the middleware (CSRF first) and before the handler's
arguments are read. Not Litestar's ``guards``: it copies the route handler object for
every guard of every request, ~20 µs (issue 13)."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from marketplace.i18n import _

SESSION_COOKIE = "sid"
LANG_COOKIE = "lang"
# 长辈版 on this device ("1" or "0"): for visitors, and for people who never chose.
ELDER_COOKIE = "elder"


GUARD = "guard"


async def check_guard(connection: ASGIConnection) -> None:
    """The route's guard (``opt[GUARD]``), if it has one."""
    handler = connection.scope["route_handler"]
    guard = handler.opt.get(GUARD)
    if guard is not None:
        await guard(connection, handler)


async def login_required(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    if connection.scope.get("user") is None:
        raise NotAuthorizedException(_("Please sign in to continue."))


async def staff_required(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    await login_required(connection, _handler)
    if not connection.scope["user"].is_staff:
        raise PermissionDeniedException(_("This page is for community staff."))

"""Every failure gets a clear page (or JSON under /api/), never a traceback."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.plugins.htmx import HTMXTemplate
from litestar.response import Template

from marketplace import i18n, settings
from marketplace.errors import AppError, Conflict, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.web import auth, params
from marketplace.web.render import is_htmx, layout_context, redirect
from marketplace.web.request import AppRequest

log = logging.getLogger("marketplace")


def _is_api(request: AppRequest) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: AppRequest, status: int, title: str, message: str,
           headers: dict[str, str] | None = None) -> Response:
    if _is_api(request):
        return Response(
            content={"error": {"status": status, "message": message}},
            status_code=status,
            media_type=MediaType.JSON,
            headers=headers,
        )
    context = {**layout_context(request), "status": status, "title": title, "message": message}
    if is_htmx(request):
        # htmx does not swap error responses by default: show the message in the flash area.
        return HTMXTemplate(template_name="errors/_error.html", context=context,
                            status_code=200, media_type=MediaType.HTML,
                            re_target="#flash-area", re_swap="innerHTML")
    return Template(template_name="errors/error.html", context=context,
                    status_code=status, media_type=MediaType.HTML, headers=headers)


def not_authorized(request: AppRequest, exc: NotAuthorizedException) -> Response:
    if _is_api(request):
        return _error(request, 401, _("Sign in needed"), _("Please sign in to continue."))
    back = request.url.path
    if request.method == "GET" and request.url.query:
        back += "?" + request.url.query  # e.g. a scanned check-in QR code keeps its code
    return redirect(request, "/login?next=" + quote(back, safe="/"))


def forbidden(request: AppRequest, exc: PermissionDeniedException | Forbidden) -> Response:
    detail = exc.message if isinstance(exc, AppError) else str(exc.detail)
    if "CSRF" in detail:
        detail = _(
            "This form has expired or came from another site. "
            "Please go back, reload the page and try again."
        )
    return _error(request, 403, _("Not allowed"), detail or _("You may not do that."))


def not_found(request: AppRequest, exc: Any) -> Response:
    message = exc.message if isinstance(exc, AppError) else _(
        "We could not find that page. It may have moved, or the address may be mistyped."
    )
    return _error(request, 404, _("Page not found"), message)


def domain_error(request: AppRequest, exc: AppError) -> Response:
    status = 409 if isinstance(exc, Conflict) else 400
    return _error(request, status, _("That did not work"), exc.message)


def bad_request(request: AppRequest, exc: ValidationException) -> Response:
    extra = exc.extra if isinstance(exc.extra, list) else []
    if any(isinstance(e, dict) and e.get("source") == "path" for e in extra):
        # An id no object can have (e.g. /wishes/99999999999): no such page, not a bad form.
        return not_found(request, exc)
    polite = [m for m in map(_polite, extra) if m]
    return _error(request, 400, _("That did not work"), " ".join(polite) or
                  _("Some of the request was not valid. Please check and try again."))


def _polite(error: object) -> str | None:
    """A bound of the parsing layer (``web/params.py``) that msgspec checked, in the words
    the forms use: the same message for the same kind of refusal, pages and API alike."""
    if not isinstance(error, dict) or not error.get("key"):
        return None
    message, field = str(error.get("message", "")), str(error["key"])
    if any(repr(pattern) in message for pattern in (params.LINE_PATTERN, params.TEXT_PATTERN)):
        return params.control_message(field)
    if bound := re.fullmatch(r"Expected `int` (>=|<=) (-?\d+)", message):
        if bound[1] == ">=":
            return _("%(f)s must be at least %(n)s.", f=field, n=bound[2])
        return _("%(f)s must be at most %(n)s.", f=field, n=bound[2])
    return None


def http_error(request: AppRequest, exc: HTTPException) -> Response:
    if exc.status_code == 405:
        return method_not_allowed(request, exc)
    if exc.status_code >= 500:
        return server_error(request, exc)
    if exc.status_code == 413:
        # Read before any handler runs (the CSRF check reads the form): no form to re-render.
        return _error(request, 413, _("That did not work"),
                      _("What you sent is too large (a photo may be at most %(n)s MB). "
                        "Please go back and choose a smaller photo.",
                        n=settings.get().upload_max_bytes // (1024 * 1024)))
    return _error(request, exc.status_code, _("That did not work"), str(exc.detail))


def method_not_allowed(request: AppRequest, exc: HTTPException) -> Response:
    """A page address opened that only takes a form (a form's action typed in, a stale
    bookmark): to the person it is a page that is not there, so the same 404 page as any
    unknown address. Programs (/api/, or a method no link makes) get 405 and Allow."""
    if not _is_api(request) and request.method in ("GET", "HEAD"):
        return not_found(request, exc)
    allow = {k: v for k, v in (exc.headers or {}).items() if k.lower() == "allow"}
    return _error(request, 405, _("Not allowed"), _("That action is not available here."),
                  headers=allow or None)


def server_error(request: AppRequest, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _error(request, 500, _("Something went wrong"),
                  _("Something went wrong on our side. Your data is safe; please try again."))


def in_visitors_language(handler: Any) -> Any:
    """Error pages in the visitor's language. Some errors come before the auth middleware
    chose it (an unknown URL, a missing CSRF token, a body over the limit): then choose it
    here from the language cookie and Accept-Language."""

    def handle(request: AppRequest, exc: Any) -> Response:
        state = request.scope.setdefault("state", {})
        if "language" not in state:
            state["language"] = i18n.pick_language(
                None, request.cookies.get("lang"), request.headers.get("accept-language"),
                settings.get().default_language)
        if "elder" not in state:  # 长辈版 on this device (the person's choice needs the session)
            state["elder"] = request.cookies.get(auth.ELDER_COOKIE) == "1"
        # Set again even when the middleware chose it: its own setting ended when the error
        # left it. Not reset here: the page is rendered after this returns, in this task.
        i18n.current_language.set(state["language"])
        return handler(request, exc)

    return handle


HANDLERS: dict[Any, Any] = {
    exc_type: in_visitors_language(handler)
    for exc_type, handler in {
        NotAuthorizedException: not_authorized,
        PermissionDeniedException: forbidden,
        Forbidden: forbidden,
        NotFoundException: not_found,
        NotFound: not_found,
        AppError: domain_error,
        ValidationException: bad_request,
        HTTPException: http_error,
        Exception: server_error,
    }.items()
}

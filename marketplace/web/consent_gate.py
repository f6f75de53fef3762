"""A new privacy notice is agreed to before the site is used (PIPL Art. 14, 17).

App-wide ``before_request``: a signed-in person whose last agreed notice version is not the
current one (``privacy.notice.VERSION``; no record at all counts too) is sent to the page
that shows the notice and asks again. Left open, so a person can read, leave or change
language first: the notice itself and its other pages (``/privacy``), signing out, the
language and elder-mode switches, the health check and static files. The JSON API answers
403 with a clear message instead of a page (a script cannot agree for a person)."""

from __future__ import annotations

from urllib.parse import quote

from litestar import Response
from litestar.exceptions import PermissionDeniedException

from marketplace.i18n import _
from marketplace.privacy import consents
from marketplace.web import auth
from marketplace.web.api_docs import json_bodies_only
from marketplace.web.render import redirect
from marketplace.web.request import AppRequest

AGREE_PATH = "/privacy/agree"
OPEN_PATHS = ("/privacy", "/logout", "/language", "/elder-mode", "/health", "/static",
              "/offline", "/sw.js")


def _open(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in OPEN_PATHS)


async def before_request(request: AppRequest) -> Response | None:
    """The app's ``before_request``: the route's guard, JSON bodies on the API, then the
    notice. No layer below the app may set its own ``before_request``: it would replace
    this one, guard included (``tests/web/test_guards.py``)."""
    await auth.check_guard(request)
    await json_bodies_only(request)
    return await ask_for_new_notice(request)


async def ask_for_new_notice(request: AppRequest) -> Response | None:
    # The agreed version first: it is already in the scope (who is asking read it).
    if request.scope.get("user") is None or not consents.notice_outdated(
            request.scope.get("state", {}).get("notice_version")):
        return None
    if _open(request.url.path):
        return None
    if request.url.path.startswith("/api/"):
        raise PermissionDeniedException(_(
            "Please sign in on the website and agree to the privacy notice first."))
    back = request.url.path if request.method == "GET" else "/"
    if request.method == "GET" and request.url.query:
        back += "?" + request.url.query
    return redirect(request, AGREE_PATH + "?next=" + quote(back, safe="/"))

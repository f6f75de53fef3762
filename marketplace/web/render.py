"""Rendering pages and htmx partials from one template, with the shared layout context."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from litestar import MediaType, Response
from litestar.plugins.htmx import ClientRedirect
from litestar.response import File, Redirect, Stream, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from marketplace import i18n, settings
from marketplace.errors import Conflict, DomainError
from marketplace.web import flash
from marketplace.web.forms import Form
from marketplace.web.request import AppRequest


def is_htmx(request: AppRequest) -> bool:
    return request.wants_partial


def refused(request: AppRequest, exc: Exception | None = None) -> int:
    """The status of a form sent back with its errors: 409 when it clashed with the current
    state (``Conflict``), else 422. htmx swaps only 2xx answers and no ``responseHandling``
    is configured, so an htmx request gets 200 and the error shows in place."""
    if is_htmx(request):
        return 200
    return 409 if isinstance(exc, Conflict) else 422


def layout_context(request: AppRequest) -> dict[str, Any]:
    principal = request.user
    language = request.scope.get("state", {}).get("language", "en")
    return {
        "me": principal,
        "lang": language,
        "languages": i18n.LANGUAGE_NAMES,
        "flashes": flash.take(request),
        "path": request.url.path,
        "here": here(request),
        "unread": request.scope.get("state", {}).get("unread", 0),
        "elder": bool(request.scope.get("state", {}).get("elder", False)),
    }


def page(
    request: AppRequest,
    template: str,
    partial: str | None = None,
    status_code: int = 200,
    **context: Any,
) -> Template:
    """Full page normally; only ``partial`` (the same markup the page includes) for htmx."""
    name = partial if partial and is_htmx(request) else template
    response = Template(
        template_name=name,
        context={**layout_context(request), **context},
        status_code=status_code,
        media_type=MediaType.HTML,
        headers={"Vary": "HX-Request"},
    )
    if request.scope.get("state", {}).get("clear_flash"):
        response.delete_cookie(flash.COOKIE)
    return response


# C0 controls, DEL and C1 controls. Browsers drop tabs and newlines inside a URL (so
# "/\t/evil.example" is followed as "//evil.example") and a CR/LF in a header value makes
# the server drop the connection.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def safe_path(raw: str | None, fallback: str = "/") -> str:
    """``raw`` if it is a path on this site, else ``fallback``: for every redirect target
    that came from outside (a ``next`` field, an htmx header). An open redirect would make
    phishing links look like ours.

    The checks run on the value with control characters removed, since that is what a
    browser follows; a value that held any is refused outright. Non-ASCII and other
    characters a header may not carry are percent-encoded, the same for ``Location`` and
    ``HX-Redirect``."""
    if not raw:
        return fallback
    cleaned = _CONTROL.sub("", raw)
    if (cleaned != raw or not cleaned.startswith("/") or cleaned.startswith("//")
            or "\\" in cleaned):
        return fallback
    return quote(cleaned, safe="/#%[]=:;$&()+,!?*@'~")


def here(request: AppRequest) -> str:
    """This page's path and query: where a switch on the page (the language) brings the
    reader back to, the list they were on filtered as it was."""
    query = request.scope.get("query_string", b"")
    return request.url.path + ("?" + query.decode("latin-1") if query else "")


def current_page(request: AppRequest) -> str | None:
    """For htmx requests, the address bar's path and query (``HX-Current-URL``): a
    filter answered by htmx changes it after the page was drawn, so a ``next`` field
    written into the page would be out of date. Only ever a path on this site."""
    raw = request.headers.get("hx-current-url")
    if not raw:
        return None
    parts = urlsplit(raw)
    return safe_path(parts.path + ("?" + parts.query if parts.query else ""), "") or None


def next_path(form: Form, fallback: str = "/") -> str:
    """The form's ``next`` field as a redirect target (``safe_path``). A value the form
    layer refuses (control characters) means the fallback, not a failed sign-in."""
    try:
        return safe_path(form.str("next"), fallback)
    except DomainError:
        return fallback


def redirect(request: AppRequest, to: str, message: str | None = None,
             category: str = "success") -> Response:
    """303 for plain forms; HX-Redirect for htmx so the whole page changes. Only to a path
    on this site (``safe_path``); anything else goes to the home page."""
    to = safe_path(to)
    if is_htmx(request):
        response: Response = ClientRedirect(redirect_to=to)
        response.status_code = 200  # not the POST handler's 201: htmx follows it
    else:
        response = Redirect(path=to, status_code=HTTP_303_SEE_OTHER)
    if message:
        flash.add(response, message, category)
    return response


def absolute_url(request: AppRequest, path: str) -> str:
    """``path`` as a whole link for QR codes, certificates and printed notices: under
    ``PUBLIC_URL`` when it is set, never trusting the request's Host header then (in
    production the allowed-hosts list refuses other Host headers as well)."""
    base = settings.get().public_url or str(request.base_url).rstrip("/")
    return base + path


# A download's name goes inside a quoted header value: plain ASCII only, no quote or slash.
CSV_FILENAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.csv")


def csv_download(filename: str, body: bytes | AsyncIterator[bytes]) -> Response[Any]:
    """A CSV file (from ``marketplace.csvfile``) to save, never to show in the browser.

    ``body`` is a whole small file or an async iterator of chunks for a big one. Check
    everything (who asks, what they asked for) before calling: once a stream has started
    the status is sent, and an error can only cut the file short. Exports hold people's
    data, so no cache keeps a copy."""
    if not CSV_FILENAME.fullmatch(filename):
        raise ValueError(f"not a safe download name: {filename!r}")
    headers = _attachment(filename)
    if isinstance(body, bytes):
        return Response(body, media_type="text/csv", headers=headers)
    return _FileStream(body, media_type="text/csv", headers=headers)


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store"}


ZIP_FILENAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.zip")


def zip_download(filename: str, body: bytes | Path) -> Response[Any]:
    """A ZIP (a person's own data) to save: the whole file in memory, or one on disk.
    No cache keeps a copy, as for CSV exports."""
    if not ZIP_FILENAME.fullmatch(filename):
        raise ValueError(f"not a safe download name: {filename!r}")
    if isinstance(body, Path):
        return File(body, filename=filename, media_type="application/zip",
                    content_disposition_type="attachment", headers={"Cache-Control": "no-store"})
    return Response(body, media_type="application/zip", headers=_attachment(filename))


class _FileStream(Stream):
    """A Stream that keeps its own media type: Litestar's lets the handler's default
    (JSON, unless the handler is annotated ``-> Stream``) win over it."""

    def to_asgi_response(self, *args: Any, **kwargs: Any) -> Any:
        return super().to_asgi_response(*args, **{**kwargs, "media_type": self.media_type})

"""What every JSON API operation may answer besides success, for the OpenAPI schema, and
the one rule on what it accepts: a body is JSON.

The error handlers in web/errors.py answer /api/ requests with this body; listing the
statuses on each operation lets clients (and the schema fuzzing test) rely on them.
"""

from __future__ import annotations

import msgspec
from litestar.exceptions import HTTPException
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE

from marketplace.i18n import _
from marketplace.web.request import AppRequest


class ErrorDetail(msgspec.Struct):
    status: int
    message: str


class ErrorOut(msgspec.Struct):
    error: ErrorDetail


_MEANINGS = {
    400: "The request is not valid; the message says what to change.",
    401: "Sign in first.",
    403: "Signed in, but not allowed to do this.",
    404: "No such object, or not visible to you.",
    409: "The object changed state meanwhile (e.g. already claimed).",
    413: "The request body is too large.",
    415: "The body is not sent as JSON (Content-Type: application/json).",
    422: "The input was understood but refused by a rule.",
    429: "Too many attempts; wait and try again.",
}

API_ERRORS: dict[int, ResponseSpec] = {
    status: ResponseSpec(data_container=ErrorOut, description=meaning)
    for status, meaning in _MEANINGS.items()
}


async def json_bodies_only(request: AppRequest) -> None:
    """App-wide ``before_request``: a body sent to /api/ must say it is JSON (Litestar would
    read JSON sent as text/plain or as a form). Runs before the body is parsed."""
    # The scope's path (what request.url.path is) without building the whole URL: this
    # runs before every request.
    if not (request.scope.get("root_path", "") + request.scope["path"]).startswith("/api/"):
        return
    media_type = request.content_type[0].lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        return
    if await request.body():
        raise HTTPException(
            status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            detail=_("Please send the body as JSON (Content-Type: application/json)."))

"""What every JSON API operation may answer besides success, for the OpenAPI schema.

The error handlers in web/errors.py answer /api/ requests with this body; listing the
statuses on each operation lets clients (and the schema fuzzing test) rely on them.
"""

from __future__ import annotations

import msgspec
from litestar.openapi.datastructures import ResponseSpec


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
    422: "The input was understood but refused by a rule.",
    429: "Too many attempts; wait and try again.",
}

API_ERRORS: dict[int, ResponseSpec] = {
    status: ResponseSpec(data_container=ErrorOut, description=meaning)
    for status, meaning in _MEANINGS.items()
}

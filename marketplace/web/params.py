"""Typed URL parameters shared by every controller."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.params import Parameter

from marketplace.db import MAX_ID

# An object id in a URL. A number no row can have is refused (400) before it reaches the
# database, where it would overflow the column type (a server error on PostgreSQL, and an
# OverflowError in SQLite's driver).
PathId = Annotated[int, Parameter(ge=1, le=MAX_ID, description="An object id")]

# The same bound for an id in a JSON body (msgspec validates it while decoding).
BodyId = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]

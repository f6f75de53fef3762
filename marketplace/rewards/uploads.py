"""Logo and photo uploads: checked by their first bytes and size, stored under UPLOAD_DIR.

The file name is random and the extension comes from the detected type, never from the
client, so an upload cannot choose where it lands or how it is served.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from litestar.datastructures import UploadFile

from marketplace import images, settings
from marketplace.errors import DomainError
from marketplace.i18n import _

MAX_BYTES = 2 * 1024 * 1024
CONTENT_TYPES = images.MEDIA_TYPES
NAME = re.compile(r"^[0-9a-f]{32}\.(png|jpg|gif|webp)$")


def folder() -> Path:
    return settings.get().upload_dir / "rewards"


def store_bytes(data: bytes, field: str) -> str:
    if len(data) > MAX_BYTES:
        raise DomainError(_("The picture is too large (2 MB at most)."), field)
    kind = images.kind_of(data)
    if kind is None:
        raise DomainError(_("Please upload a PNG, JPEG, GIF or WebP picture."), field)
    name = f"{secrets.token_hex(16)}.{kind}"
    folder().mkdir(parents=True, exist_ok=True)
    (folder() / name).write_bytes(data)
    return name


async def store(upload: UploadFile | None, field: str) -> str:
    """The stored file's name, or "" when nothing was uploaded."""
    if upload is None:
        return ""
    data = await upload.read(MAX_BYTES + 1)
    if not data:
        return ""
    return store_bytes(data, field)


def path_of(name: str) -> Path | None:
    if not NAME.match(name):
        return None
    path = folder() / name
    return path if path.is_file() else None

"""Logo and photo uploads: checked by their first bytes and size, shrunk and stripped of
their metadata (``images.shrink``), stored under UPLOAD_DIR next to a small copy for lists.

The file name is random and the extension comes from the detected type, never from the
client, so an upload cannot choose where it lands or how it is served.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from pathlib import Path

from litestar.datastructures import UploadFile

from marketplace import images, settings
from marketplace.errors import DomainError
from marketplace.i18n import _

CONTENT_TYPES = images.MEDIA_TYPES
# Pictures stored before they were shrunk may be GIF or WebP; new ones are JPEG or PNG.
NAME = re.compile(r"^[0-9a-f]{32}\.(png|jpg|gif|webp)$")
SMALL = "-small"  # the list copy of "<name>.jpg" is "<name>-small.jpg"


def folder() -> Path:
    return settings.get().upload_dir / "rewards"


def store_bytes(data: bytes, field: str) -> str:
    """Shrink and store a picture (a CPU-bound call: run it in a worker thread)."""
    if len(data) > settings.get().upload_max_bytes:
        raise images.too_large(field)
    if images.kind_of(data) is None:
        raise DomainError(_("Please upload a PNG, JPEG, GIF or WebP picture."), field)
    shrunk = images.shrink(data, field)
    name = f"{secrets.token_hex(16)}.{shrunk.kind}"
    folder().mkdir(parents=True, exist_ok=True)
    (folder() / small_name(name)).write_bytes(shrunk.small)
    (folder() / name).write_bytes(shrunk.full)
    return name


async def store(upload: UploadFile | None, field: str) -> str:
    """The stored file's name, or "" when nothing was uploaded."""
    if upload is None:
        return ""
    data = await upload.read(settings.get().upload_max_bytes + 1)
    if not data:
        return ""
    return await asyncio.to_thread(store_bytes, data, field)


def small_name(name: str) -> str:
    stem, ext = name.rsplit(".", 1)
    return f"{stem}{SMALL}.{ext}"


def path_of(name: str, small: bool = False) -> Path | None:
    """The stored picture of a name from the database or the URL (checked against NAME);
    ``small``: its list copy, or the picture itself when stored before copies were made."""
    if not NAME.match(name):
        return None
    if small and (folder() / small_name(name)).is_file():
        return folder() / small_name(name)
    path = folder() / name
    return path if path.is_file() else None

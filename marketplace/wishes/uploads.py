"""Photos of wishes and fulfilments: checked by their first bytes, stored under UPLOAD_DIR
with a random name, and only ever served through a route that checks who is looking.

The browser's file name and content type are ignored: a photo is what its magic bytes say.
Files are written before the database transaction (no file I/O inside it) and removed
again if the service then refuses the request.
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

MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
NAME = re.compile(r"^[A-Za-z0-9_-]{24}\.(jpg|png|webp)$")
# Headroom over the photo limit for the other fields and the multipart framing.
BODY_SLACK = 1024 * 1024


def max_body_bytes() -> int:
    """The request body limit of routes that accept a photo."""
    return settings.get().upload_max_bytes + BODY_SLACK


def sniff(head: bytes) -> str | None:
    """The file's real type from its magic bytes: jpg, png, webp, or None (no GIFs here)."""
    kind = images.kind_of(head)
    return kind if kind in MEDIA_TYPES else None


async def save(upload: UploadFile | None, field: str = "photo") -> str:
    """Store the photo; returns its stored name ('' when none was chosen)."""
    if upload is None:
        return ""
    limit = settings.get().upload_max_bytes
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise DomainError(_("The photo is too large: at most %(n)s MB, please.",
                            n=limit // (1024 * 1024)), field)
    kind = sniff(data[:12])
    if kind is None:
        raise DomainError(_("Please choose a photo in JPEG, PNG or WebP format."), field)
    name = f"{secrets.token_urlsafe(18)}.{kind}"
    folder = settings.get().upload_dir
    await asyncio.to_thread(_write, folder, name, data)
    return name


def _write(folder: Path, name: str, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def path_of(name: str) -> Path | None:
    """The stored file for a name taken from the database (never a path from a request)."""
    if not NAME.match(name or ""):
        return None
    path = settings.get().upload_dir / name
    return path if path.is_file() else None


def media_type(name: str) -> str:
    return MEDIA_TYPES[name.rsplit(".", 1)[1]]


def remove(name: str) -> None:
    """Forget a stored photo whose request failed afterwards."""
    path = path_of(name)
    if path is not None:
        path.unlink(missing_ok=True)

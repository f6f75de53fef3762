"""Photos of wishes and fulfilments: checked by their first bytes, shrunk and stripped of
their metadata (``images.shrink``), stored under UPLOAD_DIR with a random name next to a
small copy for lists, and only ever served through a route that checks who is looking.

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
# Stored before the photos were shrunk, a name may still end in .webp.
NAME = re.compile(r"^[A-Za-z0-9_-]{24}\.(jpg|png|webp)$")
SMALL = "-small"  # the list copy of "<name>.jpg" is "<name>-small.jpg"
max_body_bytes = images.max_body_bytes


def sniff(head: bytes) -> str | None:
    """The file's real type from its magic bytes: jpg, png, webp, or None (no GIFs here)."""
    kind = images.kind_of(head)
    return kind if kind in MEDIA_TYPES else None


async def save(upload: UploadFile | None, field: str = "photo") -> str:
    """Store the photo (shrunk) and its small copy; returns the stored name ('' when none
    was chosen)."""
    if upload is None:
        return ""
    limit = settings.get().upload_max_bytes
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise images.too_large(field)
    kind = sniff(data[:12])
    if kind is None:
        raise DomainError(_("Please choose a photo in JPEG, PNG or WebP format."), field)
    shrunk = await asyncio.to_thread(images.shrink, data, field)
    name = f"{secrets.token_urlsafe(18)}.{shrunk.kind}"
    folder = settings.get().upload_dir
    await asyncio.to_thread(_write, folder, name, shrunk)
    return name


def _write(folder: Path, name: str, shrunk: images.Shrunk) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / _small_name(name)).write_bytes(shrunk.small)
    (folder / name).write_bytes(shrunk.full)


def _small_name(name: str) -> str:
    stem, ext = name.rsplit(".", 1)
    return f"{stem}{SMALL}.{ext}"


def path_of(name: str, small: bool = False) -> Path | None:
    """The stored file for a name taken from the database (never a path from a request);
    ``small``: its list copy, or the photo itself when it was stored before copies were
    made."""
    if not NAME.match(name or ""):
        return None
    folder = settings.get().upload_dir
    if small and (folder / _small_name(name)).is_file():
        return folder / _small_name(name)
    path = folder / name
    return path if path.is_file() else None


def media_type(name: str) -> str:
    return MEDIA_TYPES[name.rsplit(".", 1)[1]]


def remove(name: str) -> None:
    """Forget a stored photo (and its small copy) whose request failed afterwards."""
    path = path_of(name)
    if path is not None:
        path.with_name(_small_name(name)).unlink(missing_ok=True)
        path.unlink(missing_ok=True)

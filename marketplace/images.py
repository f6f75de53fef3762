"""What an uploaded picture really is, from its first bytes (never the browser's word), and
the smaller copies that are stored and served instead of it.

A phone photo arrives at 3–15 MB with its camera's EXIF (the place it was taken included)
and an orientation flag; helpers open it on mobile data. It is decoded once with Pillow,
turned upright, shrunk to at most 1600 px on its long side and encoded afresh (a few
hundred KB), and a small copy for lists is made next to it. Encoding afresh writes none of
the original's metadata: no EXIF, no GPS, no XMP. Pictures with transparency (logos) stay
PNG; everything else becomes JPEG.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from marketplace import settings
from marketplace.errors import DomainError
from marketplace.i18n import _

SIGNATURES = (
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif",
               "webp": "image/webp"}
LONG_SIDE = 1600  # what is served: sharp on any phone, a few hundred KB
SMALL_SIDE = 480  # the copy in lists: a card's width at twice the pixel density
# 48 and 50 megapixel phone cameras pass; a "decompression bomb" (a small file that
# decodes to gigabytes) does not, and is refused before it is decoded.
MAX_PIXELS = 64_000_000
JPEG_QUALITY, SMALL_QUALITY = 82, 75
# Headroom over the photo limit for the other form fields and the multipart framing.
BODY_SLACK = 1024 * 1024
# Pillow's own guard raises at twice its limit; ours (MAX_PIXELS) is far below it.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def kind_of(head: bytes) -> str | None:
    """jpg, png, gif or webp by magic bytes; None for anything else."""
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def max_body_bytes() -> int:
    """The request body limit of routes that accept a picture."""
    return settings.get().upload_max_bytes + BODY_SLACK


def too_large(field: str) -> DomainError:
    limit = settings.get().upload_max_bytes // (1024 * 1024)
    return DomainError(_("The photo is too large: at most %(n)s MB, please.", n=limit), field)


@dataclass(frozen=True)
class Shrunk:
    kind: str  # "jpg" or "png": the extension of both copies
    full: bytes
    small: bytes


def shrink(data: bytes, field: str) -> Shrunk:
    """The picture upright, without metadata, at most LONG_SIDE px, and its small copy.
    CPU-bound (tens of milliseconds to a second): call it in a worker thread. Raises a
    polite DomainError at ``field`` for a file that is no readable picture or has too many
    pixels."""
    try:
        with Image.open(io.BytesIO(data)) as original:
            width, height = original.size
            if width * height > MAX_PIXELS:
                raise _too_many_pixels(field)
            # JPEG decodes at 1/2, 1/4 or 1/8 scale directly: less memory and time.
            original.draft("RGB", _fitted(width, height, LONG_SIDE))
            icc = original.info.get("icc_profile")
            return _encode(ImageOps.exif_transpose(original), icc)
    except Image.DecompressionBombError:
        raise _too_many_pixels(field) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise DomainError(_("This file is not a picture we can read. Please choose a photo "
                            "in JPEG, PNG or WebP format."), field) from None


def _too_many_pixels(field: str) -> DomainError:
    return DomainError(_("This picture has too many pixels (at most %(n)s megapixels). "
                         "Please choose a smaller photo.", n=MAX_PIXELS // 1_000_000), field)


def _fitted(width: int, height: int, side: int) -> tuple[int, int]:
    scale = min(1.0, side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _encode(picture: Image.Image, icc: bytes | None) -> Shrunk:
    transparent = picture.mode in ("RGBA", "LA", "PA") or (
        picture.mode == "P" and "transparency" in picture.info)
    picture = picture.convert("RGBA" if transparent else "RGB")
    picture.info = {}  # nothing of the original's metadata is written again
    picture.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
    small = picture.copy()
    small.thumbnail((SMALL_SIDE, SMALL_SIDE), Image.Resampling.LANCZOS)
    if transparent:
        return Shrunk("png", _save(picture, "PNG", optimize=True),
                      _save(small, "PNG", optimize=True))
    # The colour profile stays: phones shoot in Display P3, which looks dull without it.
    extra = {"icc_profile": icc} if icc else {}
    return Shrunk("jpg",
                  _save(picture, "JPEG", quality=JPEG_QUALITY, progressive=True,
                        optimize=True, **extra),
                  _save(small, "JPEG", quality=SMALL_QUALITY, optimize=True, **extra))


def _save(picture: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    picture.save(out, fmt, **options)
    return out.getvalue()

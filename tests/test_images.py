"""An upload is the picture its first bytes say, whatever its name or content type; what
is stored and served is a smaller copy, upright, without the camera's metadata."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from marketplace import images
from marketplace.errors import DomainError
from marketplace.wishes import uploads as wish_uploads
from tests.pictures import GPS_IFD, camera_exif, picture


@pytest.mark.parametrize(("head", "kind"), [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
    (b"GIF89a\x01\x00", "gif"),
    (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "webp"),
    (b"<svg xmlns=", None),
    (b"%PDF-1.7", None),
    (b"", None),
])
def test_kind_by_magic_bytes(head: bytes, kind: str | None) -> None:
    assert images.kind_of(head) == kind


def test_wish_photos_take_no_gifs() -> None:
    assert wish_uploads.sniff(b"GIF89a\x01\x00") is None
    assert wish_uploads.sniff(b"\x89PNG\r\n\x1a\n") == "png"


# --- shrinking on upload (issue 15): served copies are small, upright and anonymous --------

@pytest.fixture(scope="module")
def phone_photo() -> bytes:
    """A 12-megapixel camera photo of about 7 MB, taken held upright, with its GPS place."""
    return picture("JPEG", (4000, 3000), like_a_photo=True, exif=camera_exif())


def _open(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_a_phone_photo_is_shrunk_upright_and_without_its_location(phone_photo: bytes) -> None:
    assert len(phone_photo) > 5 * 1024 * 1024  # refused before issue 15
    shrunk = images.shrink(phone_photo, "photo")
    full, small = _open(shrunk.full), _open(shrunk.small)
    # Turned as the camera was held (the EXIF said "rotate 90°"), then shrunk.
    assert (full.format, full.size, small.size) == ("JPEG", (1200, 1600), (360, 480))
    assert len(shrunk.full) < 500_000 and len(shrunk.small) < 100_000
    for copy in (full, small):
        assert not copy.getexif() and copy.getexif().get_ifd(GPS_IFD) == {}
        assert "exif" not in copy.info and "xmp" not in copy.info
        assert b"PhoneMaker" not in shrunk.full and b"GPS" not in shrunk.full


def test_small_pictures_keep_their_size_and_transparency_keeps_png() -> None:
    shrunk = images.shrink(picture("PNG", (300, 200), mode="RGBA"), "logo")
    assert shrunk.kind == "png" and _open(shrunk.full).size == (300, 200)
    assert _open(shrunk.full).mode == "RGBA"
    assert images.shrink(picture("WEBP", (300, 200)), "photo").kind == "jpg"


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` × ``height`` pixels: all a decompression bomb needs."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize(("data", "message"), [
    (_png_header(10_000, 10_000), "too many pixels"),
    (_png_header(100_000, 100_000), "too many pixels"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "not a picture"),
    (b"%PDF-1.7\n" + b"\x00" * 64, "not a picture"),
    (picture("JPEG", (400, 300))[:300], "not a picture"),  # cut off half way
], ids=["100-megapixels", "10-gigapixels", "jpeg-magic-only", "pdf", "truncated-jpeg"])
def test_bombs_and_non_pictures_are_refused_politely(data: bytes, message: str) -> None:
    with pytest.raises(DomainError) as refused:
        images.shrink(data, "photo")
    assert message in refused.value.message and refused.value.field == "photo"

"""An upload is the picture its first bytes say, whatever its name or content type."""

from __future__ import annotations

import pytest

from marketplace import images
from marketplace.wishes import uploads as wish_uploads


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

"""What an uploaded picture really is, from its first bytes (never the browser's word)."""

from __future__ import annotations

SIGNATURES = (
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif",
               "webp": "image/webp"}


def kind_of(head: bytes) -> str | None:
    """jpg, png, gif or webp by magic bytes; None for anything else."""
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None

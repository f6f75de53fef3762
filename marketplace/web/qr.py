"""QR codes drawn on printed pages (wish notices, reset slips)."""

from __future__ import annotations

import segno


def qr_svg(url: str) -> str:
    """An inline SVG QR code (no style attributes, so the strict CSP allows it)."""
    return segno.make(url, error="m").svg_inline(scale=6, border=2, omitsize=True,
                                                 title=url)

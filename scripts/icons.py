"""Draw the home-screen icons (static/icons/*.png) with Pillow: the favicon's white heart
on the brand red. Run once after changing the design and commit the PNGs:

    .venv/bin/python scripts/icons.py
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

BRAND, WHITE = (179, 38, 30, 255), (255, 255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
SUPERSAMPLE = 4  # drawn large and scaled down: smooth edges without an antialiasing API


def heart(size: int, scale: float) -> list[tuple[float, float]]:
    """The classic heart curve, ``scale`` × the icon's width, centred."""
    points = []
    for step in range(360):
        t = math.radians(step)
        x = 16 * math.sin(t) ** 3
        y = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        points.append((size / 2 + x / 34 * size * scale, size * 0.47 - y / 34 * size * scale))
    return points


def icon(size: int, *, maskable: bool) -> Image.Image:
    """``maskable``: full-bleed red, the heart inside the central safe zone (80 %), since
    the phone cuts the icon to its own shape; otherwise a rounded square."""
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=BRAND)
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.19, fill=BRAND)
    draw.polygon(heart(big, 0.52 if maskable else 0.66), fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in (("icon-192.png", 192, False), ("icon-512.png", 512, False),
                                 ("maskable-512.png", 512, True),
                                 ("apple-touch-icon.png", 180, True)):
        icon(size, maskable=maskable).save(OUT / name, optimize=True)


if __name__ == "__main__":
    main()

"""Real pictures for upload tests, made with Pillow: the server decodes what it is sent,
so a few magic bytes followed by zeros are no longer a photo."""

from __future__ import annotations

import io

from PIL import Image, ImageChops

GPS_IFD, ORIENTATION, ROTATED_90 = 0x8825, 0x0112, 6


def picture(fmt: str = "JPEG", size: tuple[int, int] = (40, 30), *, like_a_photo: bool = False,
            exif: Image.Exif | None = None, mode: str = "RGB") -> bytes:
    """A picture in ``fmt``; ``like_a_photo``: shapes and sensor grain, about as hard to
    compress as a camera's photo (a plain colour would shrink to nothing)."""
    image = (_photo_like(size).convert(mode) if like_a_photo
             else Image.new(mode, size, (200, 60, 40, 128)[:len(mode)]))
    out = io.BytesIO()
    image.save(out, fmt, quality=95, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def _photo_like(size: tuple[int, int]) -> Image.Image:
    width, height = size
    shapes = Image.effect_noise((width // 16, height // 16), 100).convert("RGB").resize(
        size, Image.Resampling.BICUBIC)
    grain = Image.effect_noise(size, 12).convert("RGB")
    return ImageChops.add(shapes, grain, scale=1.0, offset=-128)


def camera_exif() -> Image.Exif:
    """What a phone writes: where the photo was taken and that it was held upright."""
    exif = Image.Exif()
    exif[ORIENTATION] = ROTATED_90
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 5.0)})
    return exif


PNG = picture("PNG")
JPEG = picture("JPEG")
WEBP = picture("WEBP")
LOGO = picture("PNG", (60, 60), mode="RGBA")  # transparent: stays PNG

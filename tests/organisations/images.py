"""Images built in memory for the logo tests."""

from __future__ import annotations

import io

from PIL import Image, PngImagePlugin


def png_bytes(size: tuple[int, int] = (64, 64), *, text: dict[str, str] | None = None) -> bytes:
    image = Image.new("RGB", size, (31, 78, 140))
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def jpeg_bytes_with_exif(artist: str) -> bytes:
    image = Image.new("RGB", (64, 64), (200, 16, 46))
    exif = Image.Exif()
    exif[0x013B] = artist  # Artist
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image

from parvis.organisations.logos import sanitise_logo
from tests.organisations.images import jpeg_bytes_with_exif, png_bytes


def test_a_png_keeps_its_pixels_and_loses_its_text_chunks():
    clean = sanitise_logo(ContentFile(png_bytes(text={"Comment": "secret"}), name="a.png"))
    data = clean.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == (64, 64)
    assert image.getpixel((0, 0)) == (31, 78, 140)
    assert b"secret" not in data and clean.name == "logo.png"


def test_a_jpeg_loses_its_exif():
    clean = sanitise_logo(ContentFile(jpeg_bytes_with_exif("Secret"), name="a.jpg"))
    image = Image.open(io.BytesIO(clean.read()))
    assert image.format == "JPEG" and not image.getexif()


def test_a_transparent_webp_stays_transparent():
    out = io.BytesIO()
    Image.new("RGBA", (16, 16), (0, 0, 0, 0)).save(out, format="WEBP")
    clean = sanitise_logo(ContentFile(out.getvalue(), name="a.webp"))
    image = Image.open(io.BytesIO(clean.read()))
    assert image.format == "WEBP" and image.mode == "RGBA" and clean.name == "logo.webp"


@pytest.mark.parametrize(
    "content",
    [b"", b"GIF89a not really", b"<svg xmlns='http://www.w3.org/2000/svg'/>", png_bytes()[:40]],
    ids=["empty", "fake-gif", "svg", "truncated-png"],
)
def test_what_is_not_a_complete_png_jpeg_or_webp_is_refused(content):
    with pytest.raises(ValidationError):
        sanitise_logo(ContentFile(content, name="logo.png"))


def test_a_huge_image_in_a_small_file_is_refused():
    out = io.BytesIO()
    Image.new("1", (5000, 5000)).save(out, format="PNG")
    assert out.tell() < 1024 * 1024
    with pytest.raises(ValidationError, match="4096"):
        sanitise_logo(ContentFile(out.getvalue(), name="logo.png"))

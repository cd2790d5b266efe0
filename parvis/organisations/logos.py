"""Checking and cleaning an uploaded logo.

A logo is shown on every page of the portal, so it is checked by its content (never by its
name or declared type), limited in size, and re-encoded: the file stored is one Pillow wrote,
without EXIF, XMP or comments (a photo's GPS position, an author's name...). SVG is refused:
it can carry scripts.
"""

from __future__ import annotations

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

MAX_LOGO_BYTES = 1024 * 1024
MAX_LOGO_PIXELS = 4096 * 4096
ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


def sanitise_logo(upload: UploadedFile | ContentFile) -> ContentFile:
    """Return a re-encoded copy of ``upload``, or raise a French ``ValidationError``."""
    if upload.size is not None and upload.size > MAX_LOGO_BYTES:
        raise ValidationError("Le logo dépasse 1 Mo. Réduisez sa taille avant de l'envoyer.", code="too_large")
    upload.seek(0)
    data = upload.read()
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError("Le logo dépasse 1 Mo. Réduisez sa taille avant de l'envoyer.", code="too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format or ""
                probe.verify()
            if image_format not in ALLOWED_FORMATS:
                raise ValidationError(
                    "Le logo doit être une image PNG, JPEG ou WebP (le format SVG n'est pas accepté).",
                    code="format",
                )
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_LOGO_PIXELS:
                    raise ValidationError("Le logo est trop grand (4096 × 4096 pixels au plus).", code="too_large")
                image.load()
                clean = _without_metadata(image, image_format)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError, Warning) as exc:
        raise ValidationError(
            "Ce fichier n'est pas une image lisible. Envoyez un logo PNG, JPEG ou WebP.", code="invalid"
        ) from exc
    return ContentFile(clean, name=f"logo.{ALLOWED_FORMATS[image_format]}")


def _without_metadata(image: Image.Image, image_format: str) -> bytes:
    """Copy the pixels only (no EXIF, XMP, ICC or text chunks) and encode them again."""
    mode = image.mode
    if image_format == "JPEG":
        target = "RGB" if mode not in {"L", "RGB"} else mode
    else:
        target = mode if mode in {"RGB", "RGBA", "L", "LA"} else "RGBA"
    pixels = image.convert(target) if mode != target else image
    bare = Image.new(target, pixels.size)
    bare.paste(pixels)
    out = io.BytesIO()
    if image_format == "JPEG":
        bare.save(out, format="JPEG", quality=90, optimize=True)
    elif image_format == "PNG":
        bare.save(out, format="PNG", optimize=True)
    else:
        bare.save(out, format="WEBP", quality=90)
    return out.getvalue()

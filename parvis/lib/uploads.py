"""Checking uploaded files: size, real type from the content, images re-encoded without metadata."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename
from PIL import Image, UnidentifiedImageError

DEFAULT_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
_TYPE_LABELS = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP"}


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str
    content: ContentFile


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _reencode(data: bytes, content_type: str) -> bytes:
    """Decode and re-encode an image: drops EXIF (location) metadata and anything hidden after the pixels."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            fmt = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}[content_type]
            image: Image.Image = opened
            if fmt == "JPEG" and opened.mode not in ("RGB", "L"):
                image = opened.convert("RGB")
            out = io.BytesIO()
            image.save(out, format=fmt, quality=90) if fmt != "PNG" else image.save(out, format=fmt)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError("Cette image est illisible ou endommagée.") from exc


def check_upload(
    upload: UploadedFile, *, allowed_types: set[str] | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> CheckedUpload:
    """Accept ``upload`` only if its real content is an allowed type and it is small enough.

    Raises ``ValidationError`` with a French message the user can act on.
    """
    allowed = allowed_types or DEFAULT_TYPES
    size = upload.size or 0
    if size == 0:
        raise ValidationError("Le fichier est vide.")
    if size > max_bytes:
        raise ValidationError(
            f"Le fichier dépasse la taille maximale de {max_bytes // (1024 * 1024)} Mo ({size / (1024 * 1024):.1f} Mo)."
        )
    data = upload.read()
    content_type = _sniff(data[:16])
    if content_type is None or content_type not in allowed:
        accepted = ", ".join(sorted(_TYPE_LABELS.get(t, t) for t in allowed))
        raise ValidationError(f"Ce type de fichier n'est pas accepté. Formats acceptés : {accepted}.")
    from parvis.lib.antivirus import check_for_viruses

    check_for_viruses(data)  # before anything else touches the content (ClamAV, when PARVIS_CLAMD is set)
    if content_type.startswith("image/"):
        data = _reencode(data, content_type)
    stem = get_valid_filename((upload.name or "document").rsplit(".", 1)[0])[:80] or "document"
    name = f"{stem}.{_EXTENSIONS[content_type]}"
    return CheckedUpload(
        name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=ContentFile(data, name=name),
    )

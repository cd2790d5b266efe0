from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from parvis.lib.uploads import check_upload
from parvis.mailroom.services import register_letter

PDF_BYTES = b"%PDF-1.4\n% lettre numerisee\n"


def pdf_upload(name: str = "lettre.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_upload(name: str = "page.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 30), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def letter(organisation: Any, actor: Any, **extra: Any) -> Any:
    """A letter registered through the service (one PDF scan unless ``scans`` is given)."""
    data: dict[str, Any] = {
        "sender_first_name": "Jeanne",
        "sender_last_name": "Dupont",
        "sender_address": "3 rue des Lilas\n99000 Testville",
        "description": "Demande de copie d'acte de naissance",
        "received_on": timezone.localdate(),
        "scans": [check_upload(pdf_upload())],
    }
    data.update(extra)
    return register_letter(organisation=organisation, actor=actor, **data)


def person(organisation: Any, **values: Any) -> Any:
    """A light identity recorded through the people service."""
    from parvis.people.services import create_person

    values.setdefault("first_name", "Jeanne")
    values.setdefault("last_name", "Lefèvre")
    return create_person(organisation=organisation, actor=None, allow_duplicate=True, **values)

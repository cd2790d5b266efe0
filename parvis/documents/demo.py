"""Demo: Camille's document safe — a proof of address to attach anywhere, an expired identity card."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from parvis.documents.enums import DocumentKind
from parvis.documents.models import SafeDocument
from parvis.documents.services import add_document
from parvis.lib.uploads import check_upload


def _pdf(lines: list[str]) -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setTitle(lines[0])
    y = 780
    for line in lines:
        page.drawString(72, y, line)
        y -= 20
    page.drawString(72, 120, "Document d'exemple de la démonstration Parvis : il n'a aucune valeur.")
    page.save()
    return out.getvalue()


def load_examples(*, organisations: dict[str, Any], citizen: Any) -> list[str]:
    if SafeDocument.objects.filter(owner=citizen).exists():
        return []
    today = timezone.localdate()
    bill = _pdf(
        [
            "Facture d'électricité — septembre",
            f"{citizen.get_full_name()}",
            f"{getattr(citizen, 'postal_address', '') or '12 rue de la République, Admiville'}",
            "Montant : 64,20 €",
        ]
    )
    add_document(
        owner=citizen,
        upload=check_upload(SimpleUploadedFile("facture-electricite.pdf", bill, content_type="application/pdf")),
        kind=DocumentKind.PROOF_OF_ADDRESS,
        title="Facture d'électricité de septembre",
        issuer="Fournisseur d'électricité",
        issued_on=today - dt.timedelta(days=40),
        actor=citizen,
    )
    card = _pdf(["Carte nationale d'identité (copie)", f"{citizen.get_full_name()}", "Expirée"])
    add_document(
        owner=citizen,
        upload=check_upload(SimpleUploadedFile("carte-identite.pdf", card, content_type="application/pdf")),
        kind=DocumentKind.IDENTITY,
        title="Carte nationale d'identité",
        issuer="Préfecture",
        issued_on=today - dt.timedelta(days=365 * 15 + 30),
        valid_until=today - dt.timedelta(days=30),
        actor=citizen,
    )
    return ["porte-documents de Camille Martin (justificatif de domicile, carte d'identité expirée)"]

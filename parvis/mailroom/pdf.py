"""The outgoing letter as an A4 PDF: letterhead (logo, name, address of the organisation and of the
department), the recipient's block on the right (window envelope), place and date, reference,
subject, body and the signature with the signatory's capacity (qualité)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from parvis.legal.calendars import date_fr
from parvis.organisations.models import Department, Organisation

LOGO_MAX_HEIGHT = 2.2 * cm
LOGO_MAX_WIDTH = 5 * cm


def _lines(text: str) -> str:
    return "<br/>".join(escape(line.strip()) for line in text.strip().splitlines() if line.strip())


def _paragraphs(text: str) -> list[str]:
    blocks = [block.strip() for block in text.strip().replace("\r\n", "\n").split("\n\n")]
    return [escape(block).replace("\n", "<br/>") for block in blocks if block]


def _logo(organisation: Organisation) -> Image | None:
    """The organisation's logo scaled into the letterhead; None if it has none or it cannot be read."""
    if not organisation.logo:
        return None
    try:
        with organisation.logo.open("rb") as handle:
            data = handle.read()
        reader = ImageReader(io.BytesIO(data))
        width, height = reader.getSize()
    except (OSError, ValueError):
        return None
    if not width or not height:
        return None
    scale = min(LOGO_MAX_HEIGHT / height, LOGO_MAX_WIDTH / width)
    return Image(io.BytesIO(data), width=width * scale, height=height * scale)


def letter_pdf(
    *,
    organisation: Organisation,
    department: Department | None,
    reference: str,
    recipient_name: str,
    recipient_address: str,
    subject: str,
    body: str,
    issued_on: dt.date,
    signatory_name: str,
    signatory_title: str,
) -> bytes:
    styles = getSampleStyleSheet()
    normal = ParagraphStyle("letter", parent=styles["Normal"], fontSize=10.5, leading=14)
    small = ParagraphStyle("small", parent=normal, fontSize=9, leading=11)
    right = ParagraphStyle("right", parent=normal, alignment=TA_RIGHT)
    body_style = ParagraphStyle("body", parent=normal, spaceAfter=8)

    head: list[Any] = []
    logo = _logo(organisation)
    if logo is not None:
        head.append(logo)
    head.append(Paragraph(f"<b>{escape(organisation.name)}</b>", styles["Heading3"]))
    if organisation.postal_address.strip():
        head.append(Paragraph(_lines(organisation.postal_address), small))
    contact = [organisation.email, organisation.phone]
    if department is not None:
        head.append(Paragraph(f"<b>Service {escape(department.name)}</b>", small))
        if department.postal_address.strip():
            head.append(Paragraph(_lines(department.postal_address), small))
        contact = [department.email, department.phone]
    if any(contact):
        head.append(Paragraph(escape(" · ".join(c for c in contact if c)), small))

    recipient = [Paragraph(f"<b>{escape(recipient_name)}</b>", normal), Paragraph(_lines(recipient_address), normal)]
    # Letterhead on the left, the recipient's block where a window envelope shows it (right, ~5 cm down).
    top = Table(
        [[head, [Spacer(1, 2.5 * cm), *recipient]]],
        colWidths=[8.6 * cm, 8 * cm],
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )
    story: list[Any] = [
        top,
        Spacer(1, 1 * cm),
        Paragraph(escape(f"{organisation.name}, le {date_fr(issued_on)}"), right),
        Spacer(1, 0.4 * cm),
        Paragraph(f"Référence : <b>{escape(reference)}</b>", normal),
        Paragraph(f"Objet : <b>{escape(subject)}</b>", normal),
        Spacer(1, 0.6 * cm),
    ]
    story += [Paragraph(block, body_style) for block in _paragraphs(body)]
    story.append(Spacer(1, 1 * cm))
    if signatory_title:
        story.append(Paragraph(escape(signatory_title), right))
    if signatory_name:
        story.append(Paragraph(escape(signatory_name), right))
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2.2 * cm,
        rightMargin=2.2 * cm,
        topMargin=1.8 * cm,
        bottomMargin=2 * cm,
        title=f"{subject} — {reference}",
        author=organisation.name,
        creator="Parvis",
    ).build(story)
    return buffer.getvalue()

"""Documents issued by the administration: a PDF letter rendered from a workflow's template.

The template is the administrator's text (Django template syntax limited to the allowed tags of
the notifications app, checked when the workflow is validated) over a safe context: the case's
reference, procedure, requester's name, status, the agent's comment, the organisation's name,
the date and the scalar answers of the form (``{{ answers.key }}``). The PDF carries the
organisation's letterhead, the department's contact, the reference, the date, the title, the text
and the signatory; it is stored as a document issued by the administration.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile
from django.template import Context, Template
from django.utils import timezone
from django.utils.text import slugify
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from parvis.cases.models import Case, CaseDocument
from parvis.legal.calendars import date_fr
from parvis.lib.uploads import CheckedUpload
from parvis.notifications.rendering import text_engine, tidy_body
from parvis.organisations.models import Department, Organisation


def safe_context(case: Case, *, comment: str = "", with_answers: bool = False) -> dict[str, Any]:
    """What an administrator's template may use: nothing else of the case, no objects."""
    context: dict[str, Any] = {
        "reference": case.reference,
        "procedure": case.procedure.title,
        "requester_name": case.requester_name,
        "status": case.status_label,
        "comment": comment.strip(),
        "organisation_name": case.organisation.name,
        "date": date_fr(timezone.localdate()),
    }
    if with_answers:
        context["answers"] = {
            key: value
            for key, value in case.answers.items()
            if isinstance(value, str | int | float | bool)
            or (isinstance(value, list) and all(isinstance(item, str | int | float) for item in value))
        }
    return context


def render_text(source: str, context: dict[str, Any]) -> str:
    """Render an administrator's template as plain text (no HTML escaping, tidy blank lines)."""
    return tidy_body(Template(source, engine=text_engine()).render(Context(context, autoescape=False)))


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks, escaped for reportlab's markup, line breaks kept."""
    blocks = [block.strip() for block in text.strip().split("\n\n")]
    return [escape(block).replace("\n", "<br/>") for block in blocks if block]


def build_pdf(
    *,
    organisation: Organisation,
    department: Department | None,
    reference: str,
    title: str,
    text: str,
    issued_on: dt.date,
    signatory_name: str = "",
    signatory_title: str = "",
    sections: Sequence[tuple[str, str]] = (),
    footer: str = "",
) -> bytes:
    """An A4 letter as PDF bytes.

    ``sections``: (label, text) blocks after the text, each label in bold (the mentions of an
    acknowledgment); ``footer``: a small paragraph at the end (the legal basis of the letter).
    """
    styles = getSampleStyleSheet()
    normal = styles["Normal"]
    small = ParagraphStyle("small", parent=normal, fontSize=9, leading=11)
    right = ParagraphStyle("right", parent=normal, alignment=TA_RIGHT)
    heading = ParagraphStyle("heading", parent=styles["Heading1"], fontSize=15, leading=19, spaceBefore=12)
    body = ParagraphStyle("body", parent=normal, fontSize=10.5, leading=14, spaceAfter=8)

    story: list[Any] = [Paragraph(f"<b>{escape(organisation.name)}</b>", styles["Heading2"])]
    if organisation.postal_address.strip():
        story.append(Paragraph(escape(organisation.postal_address.strip()).replace("\n", "<br/>"), small))
    contact = [organisation.email, organisation.phone]
    if department is not None:
        story.append(Spacer(1, 0.3 * cm))
        story.append(Paragraph(f"<b>Service {escape(department.name)}</b>", small))
        if department.postal_address.strip():
            story.append(Paragraph(escape(department.postal_address.strip()).replace("\n", "<br/>"), small))
        contact = [department.email, department.phone]
    if any(contact):
        story.append(Paragraph(escape(" · ".join(c for c in contact if c)), small))
    story += [
        Spacer(1, 0.8 * cm),
        Paragraph(escape(f"{organisation.name}, le {date_fr(issued_on)}"), right),
        Spacer(1, 0.4 * cm),
        Paragraph(f"Référence : <b>{escape(reference)}</b>", normal),
        Paragraph(escape(title), heading),
    ]
    story += [Paragraph(block, body) for block in _paragraphs(text)]
    for label, section_text in sections:
        story.append(Paragraph(f"<b>{escape(label)}</b>", body))
        story += [Paragraph(block, body) for block in _paragraphs(section_text)]
    if signatory_name or signatory_title:
        story.append(Spacer(1, 0.8 * cm))
        if signatory_name:
            story.append(Paragraph(escape(signatory_name), right))
        if signatory_title:
            story.append(Paragraph(escape(signatory_title), right))
    if footer.strip():
        story += [Spacer(1, 0.6 * cm)] + [Paragraph(block, small) for block in _paragraphs(footer)]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2.2 * cm,
        rightMargin=2.2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=f"{title} — {reference}",
        author=organisation.name,
        creator="Parvis",
    )
    document.build(story)
    return buffer.getvalue()


def _signatory(case: Case, actor: Any) -> tuple[str, str]:
    """The agent who made the step (name), and the capacity they sign in (their department)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "", (f"Le service {case.department.name}" if case.department else "")
    name = actor.get_full_name() or actor.email
    return name, (f"Service {case.department.name}" if case.department else "")


def generate_case_document(
    *,
    case: Case,
    title: str,
    template: str,
    actor: Any,
    comment: str = "",
    visible_to_citizen: bool = True,
) -> CaseDocument:
    """Render the template for the case, build the PDF and attach it as issued by the administration."""
    from parvis.cases.services import add_document

    context = safe_context(case, comment=comment, with_answers=True)
    rendered_title = " ".join(render_text(title, context).split())
    signatory_name, signatory_title = _signatory(case, actor)
    data = build_pdf(
        organisation=case.organisation,
        department=case.department,
        reference=case.reference,
        title=rendered_title,
        text=render_text(template, context),
        issued_on=timezone.localdate(),
        signatory_name=signatory_name,
        signatory_title=signatory_title,
    )
    name = f"{slugify(rendered_title)[:80] or 'document'}-{case.reference}.pdf"
    upload = CheckedUpload(
        name=name,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=ContentFile(data, name=name),
    )
    return add_document(
        case=case,
        upload=upload,
        actor=actor,
        visible_to_citizen=visible_to_citizen,
        issued_by_administration=True,
    )

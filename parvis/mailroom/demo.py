"""The demo's mail room in Admiville: a letter to qualify, a letter qualified into a case with its
paper accusé de réception, a letter attached to one of Camille Martin's cases."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from parvis.lib.uploads import check_upload
from parvis.organisations.models import Organisation

CLERK_EMAIL = "accueil@admiville.fr"


def _scan(name: str, lines: list[str]) -> Any:
    """A one-page PDF standing for the scanned letter."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    y = 760
    for line in lines:
        page.drawString(72, y, line)
        y -= 18
    page.showPage()
    page.save()
    return check_upload(SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf"))


def load_examples(*, organisations: dict[str, Organisation], citizen: Any) -> list[str]:
    from parvis.accounts.models import User
    from parvis.cases.models import Case
    from parvis.mailroom.models import Letter
    from parvis.mailroom.services import attach_letter_to_case, qualify_letter_into_case, register_letter
    from parvis.people.services import person_for_user
    from parvis.procedures.queries import available_procedures

    organisation = organisations.get("admiville")
    clerk = User.objects.filter(email=CLERK_EMAIL).first()
    if organisation is None or clerk is None or Letter.objects.filter(organisation=organisation).exists():
        return []
    today = timezone.localdate()
    created = []

    register_letter(
        organisation=organisation,
        sender_first_name="Odette",
        sender_last_name="Marchand",
        sender_address="12 rue des Tilleuls\n99100 Admiville",
        received_on=today - dt.timedelta(days=1),
        postmark_on=today - dt.timedelta(days=3),
        description="Demande d'inscription sur les listes électorales après un déménagement dans la commune.",
        scans=[_scan("lettre-marchand.pdf", ["Madame, Monsieur le Maire,", "Je souhaite m'inscrire sur les listes"])],
        actor=clerk,
    )
    created.append("courrier à qualifier (Odette Marchand)")

    procedure = available_procedures(organisation).filter(slug="acte-naissance").first()
    if procedure is not None:
        letter = register_letter(
            organisation=organisation,
            sender_first_name="Robert",
            sender_last_name="Girard",
            sender_address="4 chemin du Moulin\n99100 Admiville",
            received_on=today - dt.timedelta(days=4),
            postmark_on=today - dt.timedelta(days=6),
            description="Copie intégrale de mon acte de naissance (né le 2 mars 1951 à Admiville), pour un dossier "
            "de retraite.",
            scans=[_scan("lettre-girard.pdf", ["Monsieur le Maire,", "Je vous prie de m'adresser une copie"])],
            actor=clerk,
        )
        qualify_letter_into_case(letter=letter, procedure=procedure, actor=clerk)
        created.append("courrier qualifié en demande avec son accusé de réception papier (Robert Girard)")

    case = Case.objects.filter(organisation=organisation, requester=citizen, is_open=True).order_by("-pk").first()
    if case is not None:
        letter = register_letter(
            organisation=organisation,
            person=person_for_user(organisation=organisation, user=citizen, actor=clerk),
            received_on=today - dt.timedelta(days=2),
            postmark_on=today - dt.timedelta(days=3),
            description=f"Complément à la demande {case.reference} : justificatif de domicile.",
            scans=[_scan("courrier-martin.pdf", ["Bonjour,", f"Vous trouverez ci-joint pour {case.reference}"])],
            actor=clerk,
        )
        attach_letter_to_case(letter=letter, case=case, actor=clerk)
        created.append(f"courrier de Camille Martin rattaché à {case.reference}")
    return created

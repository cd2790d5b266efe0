"""Writing the mail room: register a letter, qualify it into a case, attach it to a case, route it,
close it; write an outgoing letter from a case. Every change is journaled."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify

from parvis.audit.services import record_event
from parvis.cases.enums import Channel, EventKind
from parvis.cases.models import Case
from parvis.cases.services import Submission
from parvis.legal.calendars import long_date_fr
from parvis.lib.uploads import CheckedUpload
from parvis.mailroom.enums import LetterStatus
from parvis.mailroom.models import Letter, LetterCounter, LetterScan, OutgoingLetter
from parvis.organisations.models import Department, Organisation
from parvis.people.models import Person
from parvis.procedures.models import Procedure
from parvis.procedures.queries import first_text_field

NUMBER_PREFIX = "C"
RECEIVED_AT_HOUR = 12  # a letter's receipt time: noon, local time, on its legal receipt date
MAX_SCANS = 20


class LetterError(Exception):
    """A refusal to show the agent as is (French); ``field`` names the form field at fault, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _actor_user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _summary(letter: Letter) -> dict[str, Any]:
    return {
        "number": letter.number,
        "status": letter.status,
        "received_on": letter.received_on.isoformat(),
        "postmark_on": letter.postmark_on.isoformat() if letter.postmark_on else None,
        "person": letter.person_id,
        "department": letter.department_id,
        "case": letter.case.reference if letter.case_id and letter.case is not None else None,
        "scans": letter.scans.count() if letter.pk else 0,
    }


def next_number(organisation: Organisation, year: int) -> str:
    """``C-2026-00042``: per organisation and year, gap-free, numbered under a row lock."""
    counter, _ = LetterCounter.objects.get_or_create(organisation=organisation, year=year)
    counter = LetterCounter.objects.select_for_update().get(pk=counter.pk)
    counter.value += 1
    counter.save(update_fields=["value"])
    return f"{NUMBER_PREFIX}-{year}-{counter.value:05d}"


def check_dates(received_on: dt.date, postmark_on: dt.date | None, *, today: dt.date | None = None) -> None:
    """The legal receipt date is today or earlier; the postmark is not after the receipt."""
    today = today or timezone.localdate()
    if received_on > today:
        raise LetterError("La date de réception ne peut pas être dans le futur.", field="received_on")
    if postmark_on is not None:
        if postmark_on > today:
            raise LetterError("La date du cachet de la poste ne peut pas être dans le futur.", field="postmark_on")
        if postmark_on > received_on:
            raise LetterError(
                "Le cachet de la poste ne peut pas être postérieur à la date de réception.", field="postmark_on"
            )


def received_at(letter: Letter) -> dt.datetime:
    """The case's legal receipt time: the letter's receipt date at noon, Paris time."""
    naive = dt.datetime.combine(letter.received_on, dt.time(RECEIVED_AT_HOUR))
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _same_address(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(text.replace(",", " ").lower().split())

    return bool(norm(a)) and norm(a) == norm(b)


def _person_for_sender(
    *,
    organisation: Organisation,
    first_name: str,
    last_name: str,
    address: str,
    email: str,
    phone: str,
    actor: Any,
    request: HttpRequest | None,
) -> Person:
    """The organisation's record of the sender: an existing one (same email, same name and phone,
    same name and address), else a new light identity."""
    from parvis.people.queries import possible_duplicates
    from parvis.people.services import create_person

    matches = possible_duplicates(
        organisation=organisation, last_name=last_name, first_name=first_name, email=email, phone=phone
    )
    if matches:
        return matches[0]
    if address.strip():
        same_name = Person.objects.active().filter(
            organisation=organisation, last_name__iexact=last_name, first_name__iexact=first_name
        )
        for candidate in same_name[:20]:
            if _same_address(candidate.address, address):
                return candidate
    return create_person(
        organisation=organisation,
        actor=actor,
        request=request,
        allow_duplicate=True,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        address=address,
    )


def _store_scans(letter: Letter, uploads: Sequence[CheckedUpload], actor: Any) -> list[LetterScan]:
    stored = []
    for upload in uploads:
        scan = LetterScan(
            letter=letter,
            organisation_id=letter.organisation_id,
            name=upload.name,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
            uploaded_by=_actor_user(actor),
        )
        scan.file.save(upload.name, upload.content, save=False)
        scan.save()
        stored.append(scan)
    return stored


@transaction.atomic
def register_letter(
    *,
    organisation: Organisation,
    description: str,
    actor: Any,
    sender_last_name: str = "",
    sender_first_name: str = "",
    sender_address: str = "",
    sender_email: str = "",
    sender_phone: str = "",
    person: Person | None = None,
    received_on: dt.date | None = None,
    postmark_on: dt.date | None = None,
    scans: Sequence[CheckedUpload] = (),
    request: HttpRequest | None = None,
) -> Letter:
    """Register a letter just opened, with its scans.

    ``received_on`` is the legal receipt date (today by default; earlier when the letter arrived
    before being registered, never in the future); ``postmark_on`` the envelope's date. The sender
    is linked to ``person`` when the agent chose one, else to the record found with the same email,
    name and phone or name and address, else to a new light identity.
    """
    received_on = received_on or timezone.localdate()
    check_dates(received_on, postmark_on)
    first, last = " ".join(sender_first_name.split()), " ".join(sender_last_name.split())
    if person is None and not last:
        raise LetterError("Indiquez le nom de l'expéditeur.", field="sender_last_name")
    if not description.strip():
        raise LetterError("Décrivez l'objet du courrier en quelques mots.", field="description")
    if len(scans) > MAX_SCANS:
        raise LetterError(f"Joignez au plus {MAX_SCANS} fichiers.", field="scans")
    if person is not None:
        if person.organisation_id != organisation.pk or person.merged_into_id:
            raise LetterError("Cette personne n'est pas connue de cette collectivité.", field="person")
        first, last = first or person.first_name, last or person.last_name
        sender_address = sender_address.strip() or person.address
        sender_email = sender_email.strip() or person.email
        sender_phone = sender_phone.strip() or person.phone
    else:
        person = _person_for_sender(
            organisation=organisation,
            first_name=first,
            last_name=last,
            address=sender_address.strip(),
            email=sender_email.strip().lower(),
            phone=sender_phone.strip(),
            actor=actor,
            request=request,
        )
    letter = Letter.objects.create(
        organisation=organisation,
        number=next_number(organisation, timezone.localdate().year),
        sender_name=f"{first} {last}".strip(),
        sender_address=sender_address.strip(),
        sender_email=sender_email.strip().lower(),
        sender_phone=sender_phone.strip(),
        person=person,
        received_on=received_on,
        postmark_on=postmark_on,
        description=description.strip(),
        registered_by=_actor_user(actor),
    )
    _store_scans(letter, scans, actor)
    record_event(
        action="letter.registered",
        actor=actor,
        organisation=organisation,
        obj=letter,
        channel=Channel.MAIL,
        after=_summary(letter),
        request=request,
    )
    return letter


@transaction.atomic
def add_scans(
    *, letter: Letter, scans: Sequence[CheckedUpload], actor: Any, request: HttpRequest | None = None
) -> list[LetterScan]:
    """Add scanned files to a letter (a page forgotten, the envelope...)."""
    if not scans:
        raise LetterError("Choisissez au moins un fichier.", field="scans")
    if letter.scans.count() + len(scans) > MAX_SCANS:
        raise LetterError(f"Un courrier compte au plus {MAX_SCANS} fichiers.", field="scans")
    stored = _store_scans(letter, scans, actor)
    if letter.case_id and letter.case is not None:
        _copy_scans(letter, letter.case, stored, actor)
    record_event(
        action="letter.scans_added",
        actor=actor,
        organisation=letter.organisation,
        obj=letter,
        after={"scans": [scan.name for scan in stored], "sha256": [scan.sha256 for scan in stored]},
        request=request,
    )
    return stored


def _check_open(letter: Letter) -> None:
    if not letter.is_open:
        raise LetterError(f"Ce courrier est déjà traité ({letter.get_status_display().lower()}).")


def _copy_scans(letter: Letter, case: Case, scans: Sequence[LetterScan], actor: Any) -> None:
    """The scans become documents of the case (the resident's letter, visible to them)."""
    from parvis.cases.services import add_document

    for scan in scans:
        with scan.file.open("rb") as handle:
            data = handle.read()
        name = f"courrier-{slugify(letter.number)}-{scan.name}"[:200]
        add_document(
            case=case,
            upload=CheckedUpload(
                name=name,
                content_type=scan.content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                content=ContentFile(data, name=name),
            ),
            actor=actor,
        )


def _letter_text(letter: Letter) -> str:
    lines = [f"Courrier {letter.number} de {letter.sender_name}, reçu le {long_date_fr(letter.received_on)}."]
    if letter.postmark_on:
        lines.append(f"Cachet de la poste : {long_date_fr(letter.postmark_on)}.")
    lines.append(f"Objet : {letter.description}")
    return "\n".join(lines)


def _received_title(letter: Letter) -> str:
    title = f"Courrier reçu le {long_date_fr(letter.received_on)}"
    if letter.postmark_on:
        title += f" (cachet de la poste du {long_date_fr(letter.postmark_on)})"
    return title


@transaction.atomic
def qualify_letter_into_case(
    *, letter: Letter, procedure: Procedure, actor: Any, request: HttpRequest | None = None
) -> Submission:
    """File a case by mail for the sender, under ``procedure``, received on the letter's receipt date.

    The case's legal clock starts on ``letter.received_on`` (noon, Paris time); the description fills
    the form's first text field (the agent completes the rest on the case); the scans become
    documents of the case; ``submit_case`` issues the paper accusé de réception (R112-5) as a PDF to
    print, emailed too when an address is known. Returns the submission (its tracking code is
    shown once, to be written on the reply).
    """
    from parvis.cases.services import CaseError, _add_event, submit_case
    from parvis.procedures.queries import available_procedures

    _check_open(letter)
    organisation = letter.organisation
    if not available_procedures(organisation).filter(pk=procedure.pk).exists():
        raise LetterError("Cette démarche n'est pas proposée par cette collectivité.", field="procedure")
    if Channel.MAIL not in (procedure.channels or []):
        raise LetterError("Cette démarche ne peut pas être déposée par courrier.", field="procedure")
    person = letter.person
    requester = person.user if person is not None and person.user_id else None
    if requester is None and not (letter.sender_email or letter.sender_phone or (person and person.address.strip())):
        raise LetterError(
            "Indiquez l'adresse postale, le courriel ou le téléphone de l'expéditeur pour lui répondre : "
            "complétez sa fiche."
        )
    answers: dict[str, Any] = {}
    key = first_text_field(procedure)
    if key:
        answers[key] = letter.description
    try:
        submission = submit_case(
            organisation=organisation,
            procedure=procedure,
            answers=answers,
            requester=requester,
            requester_name=letter.sender_name or (person.full_name if person else ""),
            requester_email=letter.sender_email,
            requester_phone=letter.sender_phone,
            channel=Channel.MAIL,
            idempotency_key=f"letter-{letter.pk}",
            actor=actor,
            request=request,
            received_at=received_at(letter),
            person=person,
        )
    except CaseError as exc:
        raise LetterError(str(exc), field="procedure") from exc
    case = submission.case
    _add_event(
        case,
        kind=EventKind.CHANNEL_USED,
        title=_received_title(letter),
        body=_letter_text(letter),
        actor=actor,
        visible=False,
        channel=Channel.MAIL,
        data={"letter": letter.pk},
    )
    _copy_scans(letter, case, list(letter.scans.all()), actor)
    before = _summary(letter)
    letter.case = case
    letter.status = LetterStatus.QUALIFIED
    letter.department = case.department
    letter.save(update_fields=["case", "status", "department", "updated_at"])
    record_event(
        action="letter.qualified",
        actor=actor,
        organisation=organisation,
        obj=letter,
        channel=Channel.MAIL,
        before=before,
        after=_summary(letter),
        request=request,
    )
    return submission


@transaction.atomic
def attach_letter_to_case(*, letter: Letter, case: Case, actor: Any, request: HttpRequest | None = None) -> Letter:
    """Attach the letter to an existing case of the same organisation: its scans become documents of
    the case and the timeline records « Courrier reçu le ... » (channel: mail)."""
    from parvis.cases.services import _add_event

    _check_open(letter)
    if case.organisation_id != letter.organisation_id:
        raise LetterError("Cette demande n'appartient pas à cette collectivité.", field="reference")
    _add_event(
        case,
        kind=EventKind.CHANNEL_USED,
        title=_received_title(letter),
        body=_letter_text(letter),
        actor=actor,
        visible=False,
        channel=Channel.MAIL,
        data={"letter": letter.pk},
    )
    _copy_scans(letter, case, list(letter.scans.all()), actor)
    Case.objects.filter(pk=case.pk).update(last_activity_at=timezone.now())
    if case.person_id is None and letter.person_id:
        Case.objects.filter(pk=case.pk).update(person=letter.person_id)
    before = _summary(letter)
    letter.case = case
    letter.status = LetterStatus.ATTACHED
    letter.save(update_fields=["case", "status", "updated_at"])
    record_event(
        action="letter.attached_to_case",
        actor=actor,
        organisation=letter.organisation,
        obj=letter,
        channel=Channel.MAIL,
        before=before,
        after=_summary(letter),
        request=request,
    )
    return letter


@transaction.atomic
def route_letter(*, letter: Letter, department: Department, actor: Any, request: HttpRequest | None = None) -> Letter:
    """Send the letter to a department: it appears in the tray filtered by that department."""
    _check_open(letter)
    if department.organisation_id != letter.organisation_id:
        raise LetterError("Ce service n'appartient pas à cette collectivité.", field="department")
    before = _summary(letter)
    letter.department = department
    letter.status = LetterStatus.ROUTED
    letter.save(update_fields=["department", "status", "updated_at"])
    record_event(
        action="letter.routed",
        actor=actor,
        organisation=letter.organisation,
        obj=letter,
        before=before,
        after=_summary(letter),
        request=request,
    )
    return letter


@transaction.atomic
def close_letter(*, letter: Letter, reason: str, actor: Any, request: HttpRequest | None = None) -> Letter:
    """Close the letter without follow-up (advertising, duplicate, not for the commune...), with the reason."""
    _check_open(letter)
    reason = reason.strip()
    if not reason:
        raise LetterError("Indiquez pourquoi le courrier est classé sans suite.", field="reason")
    before = _summary(letter)
    letter.status = LetterStatus.CLOSED
    letter.closed_reason = reason
    letter.save(update_fields=["status", "closed_reason", "updated_at"])
    record_event(
        action="letter.closed",
        actor=actor,
        organisation=letter.organisation,
        obj=letter,
        before=before,
        after=_summary(letter) | {"reason": reason},
        request=request,
    )
    return letter


# --- Outgoing letters -----------------------------------------------------------------------------


@transaction.atomic
def create_outgoing_letter(
    *,
    case: Case,
    recipient_name: str,
    recipient_address: str,
    subject: str,
    body: str,
    actor: Any,
    request: HttpRequest | None = None,
) -> OutgoingLetter:
    """Write a letter from the case: a PDF on the organisation's letterhead, signed by the agent in their
    capacity (``Membership.title``), kept as a document of the case (visible to the requester) and in its
    timeline, to print and post."""
    from parvis.cases.services import _add_event, add_document
    from parvis.legal.decisions import signatory_for
    from parvis.mailroom.pdf import letter_pdf

    recipient_name, subject = " ".join(recipient_name.split()), " ".join(subject.split())
    recipient_address, body = recipient_address.strip(), body.strip()
    if not recipient_name:
        raise LetterError("Indiquez le destinataire.", field="recipient_name")
    if not recipient_address:
        raise LetterError("Indiquez l'adresse postale du destinataire.", field="recipient_address")
    if not subject:
        raise LetterError("Indiquez l'objet du courrier.", field="subject")
    if not body:
        raise LetterError("Le texte du courrier est vide.", field="body")
    signatory = signatory_for(case, actor)
    today = timezone.localdate()
    data = letter_pdf(
        organisation=case.organisation,
        department=case.department,
        reference=case.reference,
        recipient_name=recipient_name,
        recipient_address=recipient_address,
        subject=subject,
        body=body,
        issued_on=today,
        signatory_name=signatory.name,
        signatory_title=signatory.title,
    )
    name = f"courrier-{slugify(subject)[:60] or 'courrier'}-{case.reference}-{today:%Y%m%d}.pdf"
    document = add_document(
        case=case,
        upload=CheckedUpload(
            name=name,
            content_type="application/pdf",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            content=ContentFile(data, name=name),
        ),
        actor=actor,
        visible_to_citizen=True,
        issued_by_administration=True,
    )
    outgoing = OutgoingLetter.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        recipient_name=recipient_name,
        recipient_address=recipient_address,
        subject=subject,
        body=body,
        signed_by=_actor_user(actor),
        signatory_name=signatory.name,
        signatory_title=signatory.title,
        document=document,
    )
    _add_event(
        case,
        kind=EventKind.CHANNEL_USED,
        title=f"Courrier postal : {subject}",
        actor=actor,
        visible=True,
        channel=Channel.MAIL,
        data={"outgoing_letter": outgoing.pk, "document": document.pk},
    )
    Case.objects.filter(pk=case.pk).update(last_activity_at=timezone.now())
    record_event(
        action="letter.outgoing_created",
        actor=actor,
        organisation=case.organisation,
        obj=case,
        channel=Channel.MAIL,
        after={
            "outgoing_letter": outgoing.pk,
            "subject": subject,
            "document": document.pk,
            "sha256": document.sha256,
            "signatory": signatory.name,
            "title": signatory.title,
        },
        request=request,
    )
    return outgoing

"""Receiving email: store the raw message first, then turn it into a case, attach it to a case,
ignore it (bounce, auto-reply) or leave it « à qualifier » for an agent; the agents' actions on
the tray; the inbound addresses.

``ingest_message`` is deliberately *not* one transaction: the raw bytes are committed on their
own before anything is parsed, so a message that breaks the parser (or any later step) is still
there, in the tray, with the error.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from parvis.audit.services import record_event
from parvis.cases.enums import Channel, EventKind
from parvis.cases.models import Case
from parvis.inbox.enums import MessageStatus, Reason, Source
from parvis.inbox.models import InboundAddress, InboundMessage
from parvis.inbox.parsing import ParsedAttachment, ParsedMessage, parse_message, recipients_leniently, references_in
from parvis.organisations.models import Department, Organisation
from parvis.people.models import Person
from parvis.procedures.models import Procedure

logger = logging.getLogger("parvis.inbox")

MAX_RAW_BYTES = 25 * 1024 * 1024


class InboxError(Exception):
    """A refusal to show the agent as is (French)."""


class UnknownAddress(InboxError):
    """No active inbound address among the recipients: the message is refused (SMTP 550)."""


@dataclass(frozen=True)
class IngestResult:
    message: InboundMessage
    created: bool  # False: this message was already received (same Message-ID), nothing was done


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def webhook_secret_matches(address: InboundAddress, secret: str) -> bool:
    return bool(address.webhook_secret_hash) and hmac.compare_digest(address.webhook_secret_hash, hash_secret(secret))


def find_address(recipients: Iterable[str]) -> InboundAddress | None:
    wanted = [r.strip().strip("<>").lower() for r in recipients if r and "@" in r]
    if not wanted:
        return None
    found = {a.address.lower(): a for a in InboundAddress.objects.filter(address__in=wanted, is_active=True)}
    for recipient in wanted:  # the envelope first, then Delivered-To, To, Cc
        if recipient in found:
            return found[recipient]
    return None


def _summary(message: InboundMessage) -> dict[str, Any]:
    return {
        "address": message.address.address,
        "from": message.from_address,
        "subject": message.subject,
        "status": message.status,
        "reason": message.reason,
        "case": message.case.reference if message.case_id and message.case is not None else None,
    }


def ingest_message(
    *,
    raw: bytes,
    source: str,
    envelope_recipients: Iterable[str] = (),
    address: InboundAddress | None = None,
) -> IngestResult:
    """Receive one message (IMAP, webhook, SMTP). ``address``: the inbound address it came through,
    else found among ``envelope_recipients`` then the Delivered-To / To / Cc headers.

    Raises ``UnknownAddress`` when no active address matches (nothing is stored: the sender is told).
    A message already received by the organisation (same Message-ID) is not stored again.
    """
    if source not in Source.values:
        raise InboxError("Origine inconnue.")
    if len(raw) > MAX_RAW_BYTES:
        raise InboxError("Message trop volumineux (25 Mo au plus).")
    message_id, header_recipients = recipients_leniently(raw)
    if address is None:
        address = find_address([*envelope_recipients, *header_recipients])
        if address is None:
            raise UnknownAddress("Aucune adresse de réception active parmi les destinataires.")
    message, created = _store_raw(raw=raw, source=source, address=address, message_id=message_id)
    if not created:
        return IngestResult(message=message, created=False)
    try:
        with transaction.atomic():
            _process(message)
    except Exception as exc:  # noqa: BLE001 - whatever breaks, the message stays in the tray
        logger.exception("Inbound message %s could not be processed", message.pk)
        _keep_for_qualification(message, exc)
    message.refresh_from_db()
    return IngestResult(message=message, created=True)


def _store_raw(*, raw: bytes, source: str, address: InboundAddress, message_id: str) -> tuple[InboundMessage, bool]:
    sha = hashlib.sha256(raw).hexdigest()
    organisation_id = address.organisation_id
    duplicates = InboundMessage.objects.filter(organisation_id=organisation_id)
    duplicates = (
        duplicates.filter(message_id=message_id) if message_id else duplicates.filter(message_id="", raw_sha256=sha)
    )
    existing = duplicates.first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            message = InboundMessage.objects.create(
                organisation_id=organisation_id,
                address=address,
                source=source,
                raw=raw,
                raw_sha256=sha,
                size=len(raw),
                message_id=message_id,
                status=MessageStatus.TO_QUALIFY,
                reason=Reason.RECEIVED,
            )
            record_event(
                action="inbox.message_received",
                organisation=address.organisation,
                obj=message,
                channel=Channel.EMAIL,
                after={"address": address.address, "source": source, "size": len(raw), "message_id": message_id},
            )
    except IntegrityError:
        existing = duplicates.first()  # the same message, received at the same moment by another worker
        if existing is None:
            raise
        return existing, False
    return message, True


def _keep_for_qualification(message: InboundMessage, exc: Exception) -> None:
    InboundMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.TO_QUALIFY,
        reason=Reason.PARSE_ERROR,
        error=f"{type(exc).__name__}: {exc}"[:4000],
    )
    try:  # best effort: show who sent it and about what, even if the body could not be read
        from email import policy
        from email.parser import BytesHeaderParser

        headers = BytesHeaderParser(policy=policy.compat32).parsebytes(bytes(message.raw))
        InboundMessage.objects.filter(pk=message.pk, subject="").update(
            subject=" ".join(str(headers.get("Subject", "") or "").split())[:500],
            from_address=" ".join(str(headers.get("From", "") or "").split())[:320],
        )
    except Exception:  # noqa: BLE001, S110 - the raw message is kept anyway
        pass


def _set(message: InboundMessage, status: str, reason: str, detail: str = "", error: str = "") -> None:
    message.status, message.reason = status, reason
    message.reason_detail, message.error = detail[:300], error[:4000]
    message.save()


def _is_loop(sender: str) -> bool:
    from email.utils import parseaddr

    default_from = parseaddr(getattr(settings, "DEFAULT_FROM_EMAIL", "") or "")[1].lower()
    return sender == default_from or InboundAddress.objects.filter(address__iexact=sender).exists()


def _process(message: InboundMessage) -> None:
    parsed = parse_message(bytes(message.raw))
    message.message_id = message.message_id or parsed.message_id
    message.from_address = parsed.from_address[:320]
    message.from_name = parsed.from_name
    message.subject = parsed.subject
    message.sent_at = parsed.sent_at
    message.body_text = parsed.text
    message.attachment_count = len(parsed.attachments)
    if parsed.automatic:
        _set(message, MessageStatus.IGNORED, parsed.automatic, parsed.automatic_detail)
        return
    if not parsed.from_address:
        _set(message, MessageStatus.TO_QUALIFY, Reason.NO_SENDER)
        return
    if _is_loop(parsed.from_address):
        _set(message, MessageStatus.IGNORED, Reason.LOOP, parsed.from_address)
        return
    organisation = message.address.organisation
    case = _referenced_case(organisation, parsed.subject)
    if case is not None:
        message.case = case
        message.person = case.person
        sender_ok = parsed.from_address in {
            (case.requester_email or "").lower(),
            (case.person.email if case.person else "").lower(),
            (case.requester.email if case.requester else "").lower(),
        }
        if not case.is_open:
            _set(message, MessageStatus.TO_QUALIFY, Reason.CLOSED_CASE, case.reference)
        elif not sender_ok:
            _set(message, MessageStatus.TO_QUALIFY, Reason.OTHER_SENDER, case.reference)
        else:
            _attach(message, parsed, case, actor=None)
            _set(message, MessageStatus.ATTACHED, Reason.REFERENCE, case.reference)
        return
    procedure = message.address.procedure
    if procedure is None:
        message.person = _known_person(organisation, parsed.from_address)  # the tray shows who it is
        _set(message, MessageStatus.TO_QUALIFY, Reason.NO_PROCEDURE)
        return
    try:
        with transaction.atomic():
            created = _create_case(message, parsed, procedure, actor=None)
    except InboxError as exc:
        _set(message, MessageStatus.TO_QUALIFY, Reason.REFUSED, error=str(exc))
        return
    _set(message, MessageStatus.CASE_CREATED, Reason.NEW_CASE, created.reference)


def _referenced_case(organisation: Organisation, subject: str) -> Case | None:
    references = [r for r in references_in(subject) if r.startswith(f"{organisation.reference_prefix.upper()}-")]
    if not references:
        return None
    return (
        Case.objects.select_related("person", "requester")
        .filter(organisation=organisation, reference__in=references)
        .order_by("-submitted_at")
        .first()
    )


def _names(display_name: str, address: str) -> tuple[str, str]:
    words = display_name.replace('"', "").split()
    if len(words) >= 2:
        return " ".join(words[:-1]), words[-1]
    if words:
        return "", words[0]
    return "", address.split("@")[0]


def _known_person(organisation: Organisation, address: str) -> Person | None:
    return (
        Person.objects.active()
        .filter(organisation=organisation, email__iexact=address)
        .order_by("-user_id", "pk")
        .first()
    )


def _person_for_sender(organisation: Organisation, address: str, display_name: str) -> Person:
    """The organisation's record of the sender, found by email, else a light identity.

    Never linked to an account by the email alone: a From header proves nothing."""
    from parvis.people.services import create_person

    found = _known_person(organisation, address)
    if found is not None:
        return found
    first_name, last_name = _names(display_name, address)
    return create_person(
        organisation=organisation,
        actor=None,
        allow_duplicate=True,
        first_name=first_name,
        last_name=last_name,
        email=address,
    )


def _answers(procedure: Procedure, *, subject: str, text: str, person: Person, sender: str) -> dict[str, Any]:
    """The email in the procedure's form: the subject in the first free text field, the body in the
    first long text field (the description), the sender's names and address where the form asks."""
    version = procedure.published_version
    answers: dict[str, Any] = {}
    if version is None:
        return answers
    body_done = subject_done = False
    for spec in version.fields():
        key, kind, prefill = spec.get("key"), spec.get("type"), spec.get("prefill")
        if not key:
            continue
        limit = (spec.get("validation") or {}).get("max_length")
        if prefill == "last_name" and person.last_name:
            answers[key] = person.last_name
        elif prefill == "first_name" and person.first_name:
            answers[key] = person.first_name
        elif prefill == "email" or kind == "email":
            answers[key] = sender
        elif kind == "long_text" and not body_done:
            value = text or subject or "(courriel sans texte)"
            if limit and len(value) > int(limit):
                value = value[: int(limit) - 40].rstrip() + "\n[… suite dans le courriel reçu]"
            answers[key], body_done = value, True
        elif kind == "text" and not subject_done and not prefill and subject:
            answers[key], subject_done = subject[: int(limit)] if limit else subject, True
    return answers


def _add_attachments(case: Case, attachments: list[ParsedAttachment], actor: Any) -> list[str]:
    """Each attachment checked like an upload and added to the case; returns the refused ones."""
    from parvis.cases.services import add_document
    from parvis.lib.uploads import check_upload

    refused = []
    for attachment in attachments:
        upload = SimpleUploadedFile(attachment.filename, attachment.data, content_type=attachment.content_type)
        try:
            checked = check_upload(upload)
        except ValidationError as exc:
            refused.append(f"{attachment.filename} : {' '.join(exc.messages)}")
            continue
        add_document(case=case, upload=checked, actor=actor)
    return refused


def _email_summary(message: InboundMessage, refused: list[str]) -> str:
    local = timezone.localtime(message.received_at)
    lines = [
        f"Courriel de {message.sender_label} reçu le {local:%d/%m/%Y à %H:%M} sur {message.address.address}.",
        f"Objet : {message.subject or '(sans objet)'}",
    ]
    if refused:
        lines.append("Pièces jointes non ajoutées (conservées dans le courriel reçu) :")
        lines += [f"- {line}" for line in refused]
    return "\n".join(lines)


def _create_case(message: InboundMessage, parsed: ParsedMessage, procedure: Procedure, *, actor: Any) -> Case:
    from parvis.cases.services import CaseError, _add_event, submit_case

    organisation = message.address.organisation
    if not parsed.from_address:
        raise InboxError("L'adresse de l'expéditeur est illisible : la personne ne pourrait pas être tenue informée.")
    person = message.person or _person_for_sender(organisation, parsed.from_address, parsed.from_name)
    try:
        submission = submit_case(
            organisation=organisation,
            procedure=procedure,
            answers=_answers(
                procedure, subject=parsed.subject, text=parsed.text, person=person, sender=parsed.from_address
            ),  # fmt: skip
            requester=None,
            requester_name=person.full_name or parsed.from_address,
            requester_email=parsed.from_address,
            channel=Channel.EMAIL,
            idempotency_key=f"email-{message.pk}",
            actor=actor,
            received_at=message.received_at,
            person=person,
        )
    except CaseError as exc:
        raise InboxError(str(exc)) from exc
    case = submission.case
    department: Department | None = message.address.department
    if department is not None and case.department_id != department.pk:
        Case.objects.filter(pk=case.pk).update(department=department)
        case.department = department
    refused = _add_attachments(case, parsed.attachments, actor)
    _add_event(
        case,
        kind=EventKind.CHANNEL_USED,
        title="Demande reçue par courriel",
        body=_email_summary(message, refused),
        actor=actor,
        visible=False,
        channel=Channel.EMAIL,
        data={"inbound_message": message.pk},
    )
    message.case, message.person = case, person
    return case


def _attach(message: InboundMessage, parsed: ParsedMessage, case: Case, *, actor: Any) -> None:
    from parvis.cases.services import CaseError, _add_event, reply_as_citizen

    text = parsed.text or f"(courriel sans texte) Objet : {parsed.subject}"
    try:
        reply_as_citizen(case=case, text=text, actor=actor, channel=Channel.EMAIL)
    except CaseError as exc:
        raise InboxError(str(exc)) from exc
    refused = _add_attachments(case, parsed.attachments, actor)
    _add_event(
        case,
        kind=EventKind.CHANNEL_USED,
        title="Courriel rattaché à la demande",
        body=_email_summary(message, refused),
        actor=actor,
        visible=False,
        channel=Channel.EMAIL,
        data={"inbound_message": message.pk},
    )
    message.case = case
    message.person = message.person or case.person


# --- The agents' actions on the tray ---


def _handled(message: InboundMessage, actor: Any) -> None:
    message.handled_by = actor if getattr(actor, "is_authenticated", False) else None
    message.handled_at = timezone.now()


@transaction.atomic
def create_case_from_message(
    *, message: InboundMessage, procedure: Procedure, actor: Any, request: HttpRequest | None = None
) -> Case:
    """An agent qualifies a message into a new case of ``procedure`` (the sender is the requester)."""
    from parvis.procedures.queries import available_procedures

    message = InboundMessage.objects.select_for_update().select_related("address").get(pk=message.pk)
    if message.status in {MessageStatus.CASE_CREATED, MessageStatus.ATTACHED}:
        raise InboxError("Ce courriel a déjà donné lieu à une demande ou y a été rattaché.")
    if not available_procedures(message.organisation).filter(pk=procedure.pk).exists():
        raise InboxError("Cette démarche n'est pas proposée par cette collectivité.")
    try:
        parsed = parse_message(bytes(message.raw))
    except Exception as exc:  # noqa: BLE001
        raise InboxError(f"Ce courriel est illisible ({type(exc).__name__}) : créez la demande à la main.") from exc
    before = _summary(message)
    case = _create_case(message, parsed, procedure, actor=actor)
    _handled(message, actor)
    _set(message, MessageStatus.CASE_CREATED, Reason.AGENT, case.reference)
    record_event(
        action="inbox.case_created",
        actor=actor,
        organisation=message.organisation,
        obj=message,
        before=before,
        after=_summary(message),
        channel=Channel.EMAIL,
        request=request,
    )
    return case


@transaction.atomic
def attach_message_to_case(
    *, message: InboundMessage, case: Case, actor: Any, request: HttpRequest | None = None
) -> InboundMessage:
    """An agent attaches a message to an existing case of the organisation (a citizen's message)."""
    message = InboundMessage.objects.select_for_update().select_related("address").get(pk=message.pk)
    if case.organisation_id != message.organisation_id:
        raise InboxError("Cette demande n'appartient pas à cette collectivité.")
    if message.status in {MessageStatus.CASE_CREATED, MessageStatus.ATTACHED}:
        raise InboxError("Ce courriel a déjà donné lieu à une demande ou y a été rattaché.")
    try:
        parsed = parse_message(bytes(message.raw))
    except Exception as exc:  # noqa: BLE001
        raise InboxError(f"Ce courriel est illisible ({type(exc).__name__}).") from exc
    before = _summary(message)
    _attach(message, parsed, case, actor=actor)
    _handled(message, actor)
    _set(message, MessageStatus.ATTACHED, Reason.AGENT, case.reference)
    record_event(
        action="inbox.attached",
        actor=actor,
        organisation=message.organisation,
        obj=message,
        before=before,
        after=_summary(message),
        channel=Channel.EMAIL,
        request=request,
    )
    return message


@transaction.atomic
def ignore_message(
    *, message: InboundMessage, reason: str, actor: Any, request: HttpRequest | None = None
) -> InboundMessage:
    """An agent sets a message aside (spam, duplicate, nothing to do), saying why. It stays stored."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise InboxError("Indiquez pourquoi ce courriel est ignoré.")
    message = InboundMessage.objects.select_for_update().select_related("address").get(pk=message.pk)
    if message.status in {MessageStatus.CASE_CREATED, MessageStatus.ATTACHED}:
        raise InboxError("Ce courriel a déjà donné lieu à une demande ou y a été rattaché.")
    before = _summary(message)
    _handled(message, actor)
    _set(message, MessageStatus.IGNORED, Reason.AGENT, reason)
    record_event(
        action="inbox.ignored",
        actor=actor,
        organisation=message.organisation,
        obj=message,
        before=before,
        after={**_summary(message), "why": reason},
        request=request,
    )
    return message


# --- Inbound addresses (administrators) ---

ADDRESS_FIELDS = (
    "address",
    "department",
    "procedure",
    "is_active",
    "imap_host",
    "imap_port",
    "imap_ssl",
    "imap_username",
    "imap_folder",
)


def _address_summary(address: InboundAddress) -> dict[str, Any]:
    return {
        "address": address.address,
        "department": address.department_id,
        "procedure": address.procedure_id,
        "active": address.is_active,
        "imap": f"{address.imap_username}@{address.imap_host}:{address.imap_port}" if address.polls_imap else "",
    }


@transaction.atomic
def save_address(
    *,
    organisation: Organisation,
    values: dict[str, Any],
    actor: Any,
    address: InboundAddress | None = None,
    imap_password: str | None = None,
    request: HttpRequest | None = None,
) -> InboundAddress:
    """Create or update an inbound address. ``imap_password`` None keeps the stored one."""
    from parvis.inbox.crypto import encrypt

    email = (values.get("address") or "").strip().lower()
    if not email or "@" not in email:
        raise InboxError("Indiquez l'adresse électronique de réception.")
    taken = InboundAddress.objects.filter(address__iexact=email)
    if address is not None:
        taken = taken.exclude(pk=address.pk)
    if taken.exists():
        raise InboxError("Cette adresse reçoit déjà les courriels d'une collectivité.")
    department = values.get("department")
    if department is not None and department.organisation_id != organisation.pk:
        raise InboxError("Ce service n'appartient pas à cette collectivité.")
    procedure = values.get("procedure")
    if procedure is not None and procedure.organisation_id not in {organisation.pk, organisation.parent_id}:
        raise InboxError("Cette démarche n'est pas proposée par cette collectivité.")
    before = _address_summary(address) if address is not None else None
    target = address or InboundAddress(organisation=organisation)
    for key in ADDRESS_FIELDS:
        if key in values:
            setattr(target, key, values[key])
    target.address = email
    if imap_password is not None:
        target.imap_password_encrypted = encrypt(imap_password)
    target.save()
    record_event(
        action="inbox.address_saved",
        actor=actor,
        organisation=organisation,
        obj=target,
        before=before,
        after=_address_summary(target),
        request=request,
    )
    return target


@transaction.atomic
def regenerate_webhook_secret(*, address: InboundAddress, actor: Any, request: HttpRequest | None = None) -> str:
    """A new secret for the inbound webhook (the old one stops working). Returned once, stored hashed."""
    secret = f"pvi_{secrets.token_urlsafe(32)}"
    address.webhook_secret_hash = hash_secret(secret)
    address.save(update_fields=["webhook_secret_hash"])
    record_event(
        action="inbox.webhook_secret_regenerated",
        actor=actor,
        organisation=address.organisation,
        obj=address,
        after={"address": address.address},
        request=request,
    )
    return secret


def record_poll(*, address: InboundAddress, error: str = "") -> None:
    """What the last IMAP relève did (shown on the administrators' page)."""
    InboundAddress.objects.filter(pk=address.pk).update(last_polled_at=timezone.now(), last_poll_error=error[:2000])

"""The outbox: every email and SMS is stored first, then delivered by the worker.

``queue_message`` composes and stores a message and enqueues its delivery once the
transaction commits. ``deliver_message`` claims it (a conditional UPDATE from ``queued``
to ``sending``, so two workers never send the same message), sends it, and records the
outcome: ``sent``, or back to ``queued`` with an exponential backoff, or ``failed`` after
``MAX_ATTEMPTS``. ``enqueue_due_messages`` (a periodic job) re-enqueues messages whose
next attempt is due, so a lost task or a crashed worker never loses a message.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from parvis.audit.services import record_event
from parvis.notifications.enums import Channel, MessageStatus
from parvis.notifications.models import DeliveryAttempt, MessageTemplate, OutboundMessage
from parvis.notifications.rendering import check_source, default_source, render_message
from parvis.notifications.sms import normalise_phone
from parvis.organisations.models import Organisation

logger = logging.getLogger("parvis.notifications")

# 1, 2, 4 ... minutes, then hourly: 30 attempts span about a day (≈ 25 h).
BACKOFF_BASE_SECONDS = 60
BACKOFF_CAP_SECONDS = 60 * 60
MAX_ATTEMPTS = 30
# A task enqueued this long ago whose message is still queued is considered lost.
ENQUEUE_LEASE = dt.timedelta(minutes=10)
# A message "sending" for this long belongs to a worker that died (EMAIL_TIMEOUT is far shorter).
SENDING_LEASE = dt.timedelta(minutes=15)


class NotificationError(Exception):
    """A message cannot be queued or retried as asked."""


@dataclass(frozen=True)
class Attachment:
    """A file to send with an email (kept in the default storage with the message)."""

    name: str
    content_type: str
    content: bytes


def max_attempts() -> int:
    return int(getattr(settings, "PARVIS_OUTBOX_MAX_ATTEMPTS", MAX_ATTEMPTS))


def backoff_delay(attempts: int, *, jitter: bool = True) -> dt.timedelta:
    """Delay before the next try after ``attempts`` failed tries: 1 min, 2, 4… capped at 1 h, ±10 %."""
    seconds = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    if jitter:
        seconds *= random.uniform(0.9, 1.1)  # noqa: S311 - spreading retries, not security
    return dt.timedelta(seconds=seconds)


def _enqueue_on_commit(message_ids: list[int]) -> None:
    from parvis.notifications.tasks import deliver_message as deliver_task

    def enqueue() -> None:
        for message_id in message_ids:
            try:
                deliver_task.enqueue(message_id)
            except Exception:  # noqa: BLE001 - the retry job will enqueue it again
                logger.exception("Could not enqueue delivery of message %s", message_id)

    transaction.on_commit(enqueue)


@transaction.atomic
def queue_message(
    *,
    organisation: Organisation | None,
    event: str,
    to: str,
    context: dict[str, Any],
    channel: str = "email",
    actor: Any = None,
    related: models.Model | None = None,
    attachments: Sequence[Attachment] = (),
) -> OutboundMessage:
    """Compose the message for ``event`` from the organisation's template (or the default), store it,
    journal it, and enqueue its delivery when the transaction commits.

    ``attachments`` (emails only) are written to the default storage now, so a retry a day later
    still sends them.

    Raises ``MessageTemplateMissing`` when no template exists, ``InvalidPhoneNumber`` for a bad SMS number.
    """
    if channel not in Channel.values:
        raise NotificationError(f"Unknown channel {channel!r}")
    to = to.strip()
    if channel == Channel.SMS:
        to = normalise_phone(to)
    elif "@" not in to:
        raise NotificationError(f"Adresse de courriel invalide : {to!r}")
    rendered = render_message(organisation=organisation, event=event, channel=channel, context=context)
    now = timezone.now()
    message = OutboundMessage.objects.create(
        organisation=organisation,
        channel=channel,
        event=event,
        to=to,
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        status=MessageStatus.QUEUED,
        next_attempt_at=now,
        enqueued_at=now,
        related_type=related._meta.label_lower if related is not None else "",
        related_id=str(related.pk) if related is not None else "",
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if attachments:
        if channel != Channel.EMAIL:
            raise NotificationError("Seuls les courriels peuvent porter des pièces jointes.")
        message.attachments = _store_attachments(message, attachments)
        message.save(update_fields=["attachments"])
    record_event(
        action="message.queued",
        actor=actor,
        organisation=organisation,
        obj=message,
        after={"channel": channel, "event": event, "to": to},
    )
    _enqueue_on_commit([message.pk])
    return message


def _store_attachments(message: OutboundMessage, attachments: Sequence[Attachment]) -> list[dict[str, str]]:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils.text import get_valid_filename

    stored = []
    for attachment in attachments:
        name = get_valid_filename(attachment.name) or "piece-jointe"
        path = default_storage.save(
            f"outbox/{message.organisation_id or 0}/{message.pk}/{name}", ContentFile(attachment.content)
        )
        stored.append({"name": name, "content_type": attachment.content_type, "path": path})
    return stored


def _claim(message_id: int, now: dt.datetime) -> OutboundMessage | None:
    """Take the message for sending; None if it is not queued, not due, or another worker has it.

    The claim is one conditional UPDATE (queued and due → sending): atomic on every database,
    so of two workers racing for the same message exactly one gets it.
    """
    claimed = (
        OutboundMessage.objects.filter(pk=message_id, status=MessageStatus.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=MessageStatus.SENDING, claimed_at=now, attempts=models.F("attempts") + 1)
    )
    if claimed != 1:
        return None
    return OutboundMessage.objects.select_related("organisation").get(pk=message_id)


def _send(message: OutboundMessage) -> str:
    if message.channel == Channel.SMS:
        from parvis.notifications.sms import send_sms

        return send_sms(to=message.to, body=message.body_text.strip())
    from parvis.notifications.email import send_email

    return send_email(message)


def deliver_message(*, message_id: int, actor: Any = None) -> OutboundMessage | None:
    """Send one queued message if it is due. Returns it, or None if there was nothing to do.

    The network call happens outside any transaction; the claim makes it exclusive.
    """
    now = timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return None
    try:
        provider_id = _send(message)
    except Exception as exc:  # noqa: BLE001 - any failure of the backend means "try again later"
        logger.warning("Delivery of message %s failed: %s", message.pk, exc)
        return _record_failure(message=message, error=f"{type(exc).__name__}: {exc}", actor=actor)
    return _record_success(message=message, provider_id=provider_id, actor=actor)


@transaction.atomic
def _record_success(*, message: OutboundMessage, provider_id: str, actor: Any) -> OutboundMessage:
    now = timezone.now()
    message.status = MessageStatus.SENT
    message.sent_at = now
    message.provider_message_id = provider_id[:255]
    message.next_attempt_at = None
    message.enqueued_at = None
    message.claimed_at = None
    message.last_error = ""
    message.save(
        update_fields=[
            "status",
            "sent_at",
            "provider_message_id",
            "next_attempt_at",
            "enqueued_at",
            "claimed_at",
            "last_error",
            "updated_at",
        ]
    )
    DeliveryAttempt.objects.create(message=message, number=message.attempts, attempted_at=now, succeeded=True)
    record_event(
        action="message.sent",
        actor=actor,
        organisation=message.organisation,
        obj=message,
        after={"attempts": message.attempts},
        channel="worker",
    )
    return message


@transaction.atomic
def _record_failure(*, message: OutboundMessage, error: str, actor: Any) -> OutboundMessage:
    now = timezone.now()
    message.last_error = error[:2000]
    message.claimed_at = None
    message.enqueued_at = None
    if message.attempts >= max_attempts():
        message.status = MessageStatus.FAILED
        message.next_attempt_at = None
        action = "message.failed"
    else:
        message.status = MessageStatus.QUEUED
        message.next_attempt_at = now + backoff_delay(message.attempts)
        action = "message.attempt_failed"
    message.save(update_fields=["status", "last_error", "claimed_at", "enqueued_at", "next_attempt_at", "updated_at"])
    DeliveryAttempt.objects.create(
        message=message, number=message.attempts, attempted_at=now, succeeded=False, error=message.last_error
    )
    record_event(
        action=action,
        actor=actor,
        organisation=message.organisation,
        obj=message,
        after={"attempts": message.attempts, "error": message.last_error[:200]},
        channel="worker",
    )
    return message


def enqueue_due_messages(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Enqueue a delivery for every queued message whose next attempt is due and has no live task.

    Also puts back in the queue messages left "sending" by a worker that died.
    """
    now = now or timezone.now()
    stale = OutboundMessage.objects.filter(status=MessageStatus.SENDING, claimed_at__lt=now - SENDING_LEASE)
    for message_id in list(stale.values_list("pk", flat=True)[:limit]):
        _release_stale(message_id=message_id, now=now)
    with transaction.atomic():
        due = list(
            OutboundMessage.objects.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - ENQUEUE_LEASE))
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        if due:
            OutboundMessage.objects.filter(pk__in=due).update(enqueued_at=now)
            _enqueue_on_commit(due)
    return due


@transaction.atomic
def _release_stale(*, message_id: int, now: dt.datetime) -> None:
    updated = OutboundMessage.objects.filter(
        pk=message_id, status=MessageStatus.SENDING, claimed_at__lt=now - SENDING_LEASE
    ).update(
        status=MessageStatus.QUEUED,
        claimed_at=None,
        enqueued_at=None,
        next_attempt_at=now,
        last_error="Envoi interrompu (le processus d'envoi s'est arrêté) : nouvelle tentative.",
    )
    if updated:
        message = OutboundMessage.objects.get(pk=message_id)
        record_event(action="message.released", organisation=message.organisation, obj=message, channel="worker")


@transaction.atomic
def retry_message(*, message: OutboundMessage, actor: Any, request: Any = None) -> OutboundMessage:
    """An agent asks to try a failed message again now, with a fresh series of attempts."""
    message = OutboundMessage.objects.select_for_update().get(pk=message.pk)
    if message.status != MessageStatus.FAILED:
        raise NotificationError("Seul un message en échec peut être renvoyé.")
    now = timezone.now()
    before = {"status": message.status, "attempts": message.attempts}
    message.status = MessageStatus.QUEUED
    message.attempts = 0
    message.next_attempt_at = now
    message.enqueued_at = now
    message.save(update_fields=["status", "attempts", "next_attempt_at", "enqueued_at", "updated_at"])
    record_event(
        action="message.retried",
        actor=actor,
        organisation=message.organisation,
        obj=message,
        before=before,
        after={"status": message.status},
        request=request,
    )
    _enqueue_on_commit([message.pk])
    return message


@transaction.atomic
def cancel_message(*, message: OutboundMessage, actor: Any, request: Any = None) -> OutboundMessage:
    """Stop a message that has not been sent yet (queued or failed)."""
    message = OutboundMessage.objects.select_for_update().get(pk=message.pk)
    if message.status not in {MessageStatus.QUEUED, MessageStatus.FAILED}:
        raise NotificationError("Seul un message en attente ou en échec peut être annulé.")
    before = {"status": message.status}
    message.status = MessageStatus.CANCELLED
    message.next_attempt_at = None
    message.save(update_fields=["status", "next_attempt_at", "updated_at"])
    record_event(
        action="message.cancelled",
        actor=actor,
        organisation=message.organisation,
        obj=message,
        before=before,
        after={"status": message.status},
        request=request,
    )
    return message


class TemplateInvalid(ValueError):
    """The wording is not a valid template; ``field`` names the form field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@transaction.atomic
def save_message_template(
    *,
    organisation: Organisation,
    event: str,
    channel: str,
    subject: str,
    body: str,
    actor: Any,
    request: Any = None,
) -> MessageTemplate:
    """Store an organisation's own wording for an event; refuses invalid template syntax."""
    default_source(event, channel)  # raises MessageTemplateMissing for an unknown event
    if channel == Channel.EMAIL and not subject.strip():
        raise TemplateInvalid("subject", "L'objet du courriel est obligatoire.")
    for field, source in (("subject", subject), ("body", body)):
        problem = check_source(source)
        if problem:
            raise TemplateInvalid(field, problem)
    template = MessageTemplate.objects.filter(organisation=organisation, event=event, channel=channel).first()
    before = {"subject": template.subject, "body": template.body} if template else None
    if template is None:
        template = MessageTemplate(organisation=organisation, event=event, channel=channel)
    template.subject = subject.strip() if channel == Channel.EMAIL else ""
    template.body = body
    template.updated_by = actor
    template.save()
    record_event(
        action="message_template.saved",
        actor=actor,
        organisation=organisation,
        obj=template,
        before=before,
        after={"subject": template.subject, "body": template.body},
        request=request,
    )
    return template


@transaction.atomic
def reset_message_template(
    *, organisation: Organisation, event: str, channel: str, actor: Any, request: Any = None
) -> bool:
    """Go back to the shipped default wording; False if there was no own wording."""
    template = MessageTemplate.objects.filter(organisation=organisation, event=event, channel=channel).first()
    if template is None:
        return False
    record_event(
        action="message_template.reset",
        actor=actor,
        organisation=organisation,
        obj=template,
        before={"subject": template.subject, "body": template.body},
        request=request,
    )
    template.delete()
    return True

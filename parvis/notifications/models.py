from __future__ import annotations

from django.conf import settings
from django.db import models

from parvis.notifications.enums import Channel, MessageStatus
from parvis.organisations.models import Organisation


class OutboundMessageQuerySet(models.QuerySet["OutboundMessage"]):
    def for_organisation(self, organisation: Organisation) -> OutboundMessageQuerySet:
        return self.filter(organisation=organisation)


class OutboundMessage(models.Model):
    """One email or SMS, stored before it is sent and kept as the record of what was sent.

    The worker delivers it (``services.deliver_message``); failures are retried with
    backoff until ``sent`` or, after too many attempts, ``failed``.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="collectivité",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbound_messages",
    )
    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    event = models.CharField("événement", max_length=100)
    to = models.CharField("destinataire", max_length=254)
    subject = models.CharField("objet", max_length=255, blank=True)
    body_text = models.TextField("texte")
    body_html = models.TextField("HTML", blank=True)
    status = models.CharField("état", max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    attempts = models.PositiveIntegerField("tentatives", default=0)
    next_attempt_at = models.DateTimeField("prochaine tentative", null=True, blank=True)
    # When a delivery task was last enqueued for it; the retry job re-enqueues lost tasks.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # When a worker claimed it (status "sending"); a stale claim means the worker died.
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField("dernière erreur", blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    provider_message_id = models.CharField("identifiant chez le prestataire", max_length=255, blank=True)
    # Files sent with an email: [{"name", "content_type", "path"}], stored in the default storage
    # when the message is queued (an acknowledgment PDF, an iCalendar invitation...).
    attachments = models.JSONField("pièces jointes", default=list, blank=True)
    related_type = models.CharField("type de l'objet lié", max_length=100, blank=True)
    related_id = models.CharField("identifiant de l'objet lié", max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OutboundMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "message sortant"
        verbose_name_plural = "messages sortants"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["organisation", "-created_at"], name="outbox_org_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} « {self.event} » à {self.to}"

    @property
    def is_email(self) -> bool:
        return self.channel == Channel.EMAIL

    @property
    def can_retry(self) -> bool:
        return self.status == MessageStatus.FAILED


class DeliveryAttempt(models.Model):
    """One try at handing a message to the mail server or SMS provider."""

    message = models.ForeignKey(OutboundMessage, on_delete=models.CASCADE, related_name="delivery_attempts")
    number = models.PositiveIntegerField("tentative n°")
    attempted_at = models.DateTimeField("date")
    succeeded = models.BooleanField("réussie")
    error = models.TextField("erreur", blank=True)

    class Meta:
        ordering = ["attempted_at", "pk"]
        verbose_name = "tentative d'envoi"

    def __str__(self) -> str:
        return f"Tentative {self.number} du message {self.message_id}"


class MessageTemplate(models.Model):
    """An organisation's own wording for one event on one channel, replacing the shipped default."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="collectivité", on_delete=models.CASCADE, related_name="message_templates"
    )
    event = models.CharField("événement", max_length=100)
    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    subject = models.CharField("objet", max_length=255, blank=True)
    body = models.TextField("texte")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["event", "channel"]
        verbose_name = "modèle de message"
        verbose_name_plural = "modèles de message"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "event", "channel"], name="message_template_unique")
        ]

    def __str__(self) -> str:
        return f"{self.event} ({self.get_channel_display()})"

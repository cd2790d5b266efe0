"""Inbound email: the addresses an organisation receives requests at, and every message received.

A message is stored raw (the exact bytes, ``raw``) in its own transaction *before* it is parsed:
whatever happens next, nothing is lost. Parsing then fills the headers, the text and the outcome:
a new case, a message attached to the case whose reference is in the subject, ignored (bounce,
auto-reply), or « à qualifier » (the agents' tray) with the reason and the error.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from parvis.inbox.enums import MessageStatus, Reason, Source


class InboundAddress(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "organisations.Department",
        verbose_name="service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.EmailField("adresse de réception", unique=True)
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name="démarche des nouvelles demandes",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField("active", default=True)
    imap_host = models.CharField("serveur IMAP", max_length=200, blank=True)
    imap_port = models.PositiveIntegerField("port IMAP", default=993)
    imap_ssl = models.BooleanField("connexion chiffrée (IMAPS)", default=True)
    imap_username = models.CharField("identifiant IMAP", max_length=200, blank=True)
    imap_password_encrypted = models.TextField(blank=True, editable=False)
    imap_folder = models.CharField("dossier IMAP", max_length=200, default="INBOX")
    last_polled_at = models.DateTimeField("dernière relève", null=True, blank=True)
    last_poll_error = models.TextField("erreur de la dernière relève", blank=True)
    # SHA-256 of the webhook secret: the secret itself is shown once, when it is generated.
    webhook_secret_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "adresse de réception"
        ordering = ["address"]

    def __str__(self) -> str:
        return self.address

    @property
    def imap_password(self) -> str:
        from parvis.inbox.crypto import decrypt

        return decrypt(self.imap_password_encrypted)

    @property
    def polls_imap(self) -> bool:
        return bool(self.imap_host and self.imap_username)


class InboundMessage(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    address = models.ForeignKey(
        InboundAddress, verbose_name="adresse", on_delete=models.PROTECT, related_name="messages"
    )
    source = models.CharField("arrivé par", max_length=20, choices=Source.choices)
    raw = models.BinaryField("message brut (MIME)")
    raw_sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField("taille (octets)", default=0)
    message_id = models.CharField("Message-ID", max_length=500, blank=True)
    from_address = models.CharField("expéditeur", max_length=320, blank=True)
    from_name = models.CharField("nom de l'expéditeur", max_length=300, blank=True)
    subject = models.CharField("objet", max_length=500, blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    received_at = models.DateTimeField("reçu le", default=timezone.now)
    body_text = models.TextField("texte", blank=True)
    attachment_count = models.PositiveSmallIntegerField("pièces jointes", default=0)
    status = models.CharField("état", max_length=20, choices=MessageStatus.choices, default=MessageStatus.TO_QUALIFY)
    reason = models.CharField("motif", max_length=20, choices=Reason.choices, default=Reason.RECEIVED)
    reason_detail = models.CharField("précision", max_length=300, blank=True)
    error = models.TextField("erreur", blank=True)
    case = models.ForeignKey(
        "cases.Case", verbose_name="demande", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name="personne",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inbound_messages",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "courriel reçu"
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "message_id"],
                condition=~models.Q(message_id=""),
                name="inbound_message_once",
            ),
            models.UniqueConstraint(
                fields=["organisation", "raw_sha256"],
                condition=models.Q(message_id=""),
                name="inbound_raw_once",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "-received_at"], name="inbound_org_status"),
        ]

    def __str__(self) -> str:
        return self.subject or "(sans objet)"

    @property
    def badge_class(self) -> str:
        classes: dict[str, str] = {
            MessageStatus.TO_QUALIFY: "status-amber",
            MessageStatus.CASE_CREATED: "status-green",
            MessageStatus.ATTACHED: "status-blue",
        }
        return classes.get(self.status, "status-grey")

    @property
    def sender_label(self) -> str:
        if self.from_name and self.from_address:
            return f"{self.from_name} <{self.from_address}>"
        return self.from_address or self.from_name or "expéditeur inconnu"

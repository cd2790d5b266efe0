"""The document safe (porte-documents, issue 6): documents a resident gives once and reuses.

A safe belongs to an account, for the whole territory (one account, every commune). Each file is
stored through Django's storage API (local files in the demo, S3-compatible storage in production
with django-storages) with the SHA-256 of its content, checked again on every read. Every access —
download, attachment to a procedure, an agent opening the copy attached to a case — is logged in
``SafeAccess`` and shown to the resident.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from parvis.documents.enums import AccessAction, DocumentKind, Source

EXPIRING_SOON_DAYS = 30


class SafeDocument(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safe_documents")
    kind = models.CharField("type de document", max_length=30, choices=DocumentKind.choices)
    title = models.CharField("intitulé", max_length=200)
    issuer = models.CharField("délivré par", max_length=200, blank=True)
    issued_on = models.DateField("date de délivrance", null=True, blank=True)
    valid_until = models.DateField("valable jusqu'au", null=True, blank=True)
    file = models.FileField(upload_to="safe/%Y/%m/", max_length=300)
    name = models.CharField("nom du fichier", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.UPLOADED)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="collectivité émettrice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "document du porte-documents"
        ordering = ["kind", "-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "sha256"], name="safe_owner_hash")]

    def __str__(self) -> str:
        return self.title

    def is_expired(self, today: dt.date | None = None) -> bool:
        return bool(self.valid_until and self.valid_until < (today or timezone.localdate()))

    def expires_soon(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(self.valid_until and today <= self.valid_until <= today + dt.timedelta(days=EXPIRING_SOON_DAYS))


class SafeAccess(models.Model):
    """One access to a document of the safe: who, when, what for (shown to the owner)."""

    document = models.ForeignKey(SafeDocument, null=True, on_delete=models.SET_NULL, related_name="accesses")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    document_title = models.CharField(max_length=200)
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    case_reference = models.CharField(max_length=30, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "accès au porte-documents"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["owner", "-at"], name="safe_access_owner")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.document_title}"

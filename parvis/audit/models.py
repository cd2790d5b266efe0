from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditChainHead(models.Model):
    """The last link of one hash chain (one chain per organisation, key 0 for platform events).

    Writers lock this row, so links are appended one at a time, and the verifier can
    tell when trailing rows were deleted.
    """

    chain_key = models.BigIntegerField(primary_key=True)
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = "tête de chaîne du journal"

    def __str__(self) -> str:
        return f"chaîne {self.chain_key} : {self.last_sequence}"


class AuditEvent(models.Model):
    """An append-only journal row. Never updated, never deleted; chained by SHA-256."""

    chain_key = models.BigIntegerField(db_index=True)
    sequence = models.BigIntegerField()
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # No database constraint and no cascade: deleting an account must not rewrite journal rows (the hash
    # covers actor_id); the id stays, actor_label tells who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField("auteur", max_length=254, blank=True)
    action = models.CharField("action", max_length=100)
    object_type = models.CharField("type d'objet", max_length=100, blank=True)
    object_id = models.CharField("identifiant", max_length=64, blank=True)
    object_repr = models.CharField("objet", max_length=200, blank=True)
    before = models.JSONField("avant", null=True, blank=True)
    after = models.JSONField("après", null=True, blank=True)
    channel = models.CharField("canal", max_length=20, blank=True)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    created_at = models.DateTimeField("date")
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "événement du journal"
        verbose_name_plural = "journal"
        constraints = [models.UniqueConstraint(fields=["chain_key", "sequence"], name="audit_chain_sequence_unique")]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["organisation", "created_at"], name="audit_org_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Audit events are append-only.")

"""What the law makes us keep about a case: requests for missing pieces and acknowledgments sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from parvis.legal.enums import AcknowledgmentKind, PiecesRequestStatus


class PiecesRequest(models.Model):
    """A request for missing pieces or information (CRPA L114-5), with the deadline granted.

    ``items`` lists what is missing: ``[{"key": "k1", "label": "Justificatif de domicile",
    "kind": "document"|"information", "received_at": ISO datetime|null, "document_id": int|null,
    "answer": str}]``. ``received_at`` is set when the last item arrives: that instant restarts
    (SVA) or resumes (SVR) the administration's clock (``parvis.legal.services.recompute_deadline``).
    """

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="pieces_requests")
    items = models.JSONField("pièces ou informations demandées", default=list)
    comment = models.TextField("précisions", blank=True)
    requested_at = models.DateTimeField("demandées le")
    deadline = models.DateField("à fournir au plus tard le")
    received_at = models.DateTimeField("reçues le", null=True, blank=True)
    status = models.CharField(
        "état", max_length=12, choices=PiecesRequestStatus.choices, default=PiecesRequestStatus.OPEN
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "demande de pièces manquantes"
        verbose_name_plural = "demandes de pièces manquantes"
        ordering = ["requested_at", "pk"]
        indexes = [models.Index(fields=["status", "deadline"], name="pieces_request_due_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}: {len(self.items)} pièce(s) demandée(s) le {self.requested_at:%d/%m/%Y}"


class Acknowledgment(models.Model):
    """One acknowledgment or legal notice sent for a case, kept as proof with its mentions.

    ``mentions`` is the structured content it was built from (``[{"key", "label", "text"}]``),
    ``document`` the PDF stored with the case, ``message`` the email queued in the outbox.
    """

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="acknowledgments")
    kind = models.CharField("nature", max_length=20, choices=AcknowledgmentKind.choices)
    mentions = models.JSONField("mentions", default=list)
    document = models.ForeignKey(
        "cases.CaseDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.ForeignKey(
        "notifications.OutboundMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField("émis le")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "accusé ou notification légale"
        verbose_name_plural = "accusés et notifications légales"
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["case", "kind"], name="acknowledgment_case_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.case_id}"


class DigestSent(models.Model):
    """The daily digest of cases at risk sent to one agent for one organisation on one day
    (``parvis.legal.digest``): the unique constraint makes running the job twice send one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    day = models.DateField("jour")
    case_count = models.PositiveIntegerField("demandes signalées", default=0)
    message = models.ForeignKey(
        "notifications.OutboundMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "résumé quotidien envoyé"
        verbose_name_plural = "résumés quotidiens envoyés"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "day"], name="digest_sent_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} — {self.day}"


class DigestOptOut(models.Model):
    """An agent who asked not to receive the daily digest for this organisation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "refus du résumé quotidien"
        verbose_name_plural = "refus du résumé quotidien"
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="digest_opt_out_once")]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation}"

"""Requests to exercise GDPR rights that agents must answer (erasure, art. 17), with their deadline.

Access (art. 15) and rectification (art. 16) need no agent: "Mes données" gives the data at once
and the profile is editable. Erasure is decided by the organisation (art. 17(3)(b): what a legal
obligation or a public-interest mission requires is kept), within one month (art. 12(3)).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from parvis.privacy.enums import ErasureStatus


class ErasureRequest(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="erasure_requests"
    )
    requester_label = models.CharField("demandeur", max_length=300)
    requester_email = models.EmailField("courriel du demandeur")
    text = models.TextField("données concernées et motif")
    status = models.CharField("état", max_length=10, choices=ErasureStatus.choices, default=ErasureStatus.RECEIVED)
    received_on = models.DateField("reçue le")
    due_on = models.DateField("réponse due le")
    answer = models.TextField("réponse", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "demande d'effacement"
        ordering = ["status", "due_on", "pk"]
        indexes = [models.Index(fields=["organisation", "status", "due_on"], name="erasure_org_due")]

    def __str__(self) -> str:
        return f"Demande d'effacement de {self.requester_label}"

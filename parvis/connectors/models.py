"""Data fetched from the State's APIs instead of asking the resident (CRPA L114-8, "dites-le-nous une fois").

Each call is recorded with its legal basis, the value obtained, its date and its source, and shown to
the resident in "Mes données". Only what the procedure needs is kept (the quotient, not the household).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from parvis.connectors.enums import Api, CallStatus


class ConnectorCall(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="connector_calls")
    api = models.CharField("donnée", max_length=60, choices=Api.choices)
    status = models.CharField("résultat", max_length=20, choices=CallStatus.choices)
    value = models.JSONField("valeur obtenue", null=True, blank=True)
    source = models.CharField("source", max_length=200)
    legal_basis = models.CharField("fondement", max_length=400)
    purpose = models.CharField("pour", max_length=200, blank=True)
    called_at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "appel à une API de l'État"
        ordering = ["-called_at", "-pk"]
        indexes = [models.Index(fields=["user", "api", "-called_at"], name="connector_user_api")]

    def __str__(self) -> str:
        return f"{self.get_api_display()} — {self.get_status_display()}"

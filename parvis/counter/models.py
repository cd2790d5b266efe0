"""The counter (guichet unique): a draft an agent fills on a resident's behalf, and the channels it went through.

``AssistedFiling`` ties a draft (``cases.Draft``, the same drafts and forms as online filing) to the
commune's record of the resident (``people.Person``), the channel (counter, phone, mail, home visit),
the agent and who physically came. ``ChannelStep`` is one channel a request went through before it
was filed (started online, continued at the counter, handed to the resident to finish on a phone...);
on submission every step becomes a "channel used" event of the case's timeline, in order.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from parvis.cases.enums import Channel
from parvis.counter.enums import StepKind, Visitor


class AssistedFiling(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    draft = models.OneToOneField("cases.Draft", on_delete=models.CASCADE, related_name="assisted_filing")
    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.PROTECT, related_name="assisted_filings"
    )
    channel = models.CharField("canal", max_length=20, choices=Channel.choices)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="agent", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    visitor = models.CharField("personne présente", max_length=10, choices=Visitor.choices, default=Visitor.SELF)
    visitor_name = models.CharField("nom de la personne présente", max_length=200, blank=True)
    visitor_quality = models.CharField("qualité", max_length=200, blank=True)
    case = models.ForeignKey(
        "cases.Case", verbose_name="demande", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handed_over_at = models.DateTimeField("confiée au demandeur le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "démarche faite avec un agent"
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["organisation", "-updated_at"], name="assisted_org_recent")]

    def __str__(self) -> str:
        return f"{self.draft_id} ({self.channel})"


class ChannelStep(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    draft = models.ForeignKey("cases.Draft", on_delete=models.CASCADE, related_name="channel_steps")
    kind = models.CharField(max_length=20, choices=StepKind.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "canal utilisé"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.title

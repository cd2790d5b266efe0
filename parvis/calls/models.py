"""The call log: each call taken at the mairie, with who called, about what, and what was done.

The caller is typed in (name, phone, email) and, when they have an account, linked to it
(``caller_user``). A later light "person" model (issue 5, counter) will add its own foreign key
here; the typed fields stay as the record of what was said on the phone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from parvis.calls.enums import Outcome
from parvis.cases.enums import Channel


class CallSubject(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    label = models.CharField("sujet", max_length=120)
    is_active = models.BooleanField("proposé", default=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "sujet d'appel"
        ordering = ["position", "label"]
        constraints = [models.UniqueConstraint(fields=["organisation", "label"], name="call_subject_unique")]

    def __str__(self) -> str:
        return self.label


class Call(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="agent",
        null=True,
        on_delete=models.SET_NULL,
        related_name="calls_taken",
    )
    caller_name = models.CharField("nom de la personne", max_length=200)
    caller_phone = models.CharField("téléphone", max_length=30, blank=True)
    caller_email = models.EmailField("adresse électronique", blank=True)
    caller_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="compte de la personne",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls_made",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name="personne",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
    )
    subject = models.ForeignKey(
        CallSubject, verbose_name="sujet", null=True, blank=True, on_delete=models.PROTECT, related_name="calls"
    )
    subject_other = models.CharField("autre sujet", max_length=200, blank=True)
    question = models.TextField("question posée", blank=True)
    answer = models.TextField("réponse donnée", blank=True)
    outcome = models.CharField("suite donnée", max_length=20, choices=Outcome.choices, default=Outcome.ANSWERED)
    transferred_to = models.ForeignKey(
        "organisations.Department",
        verbose_name="service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    duration_minutes = models.PositiveSmallIntegerField("durée (minutes)", null=True, blank=True)
    channel = models.CharField("canal", max_length=20, choices=Channel.choices, default=Channel.PHONE)
    taken_at = models.DateTimeField("appel du", default=timezone.now)
    case = models.ForeignKey(
        "cases.Case", verbose_name="demande", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "appel"
        ordering = ["-taken_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-taken_at"], name="call_org_taken")]

    def __str__(self) -> str:
        return f"Appel de {self.caller_name} le {timezone.localtime(self.taken_at):%d/%m/%Y %H:%M}"

    @property
    def subject_label(self) -> str:
        if self.subject_id and self.subject is not None:
            return self.subject.label
        return f"Autre : {self.subject_other}" if self.subject_other else "Autre"

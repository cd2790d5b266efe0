"""The mail room: letters received on paper (registered, scanned, qualified) and letters sent.

A ``Letter`` is registered the day it is opened, with its **legal receipt date** (``received_on``:
the day the administration received it, which may be earlier than the registration) and the
**postmark date** (``postmark_on``: the envelope's date, which counts for the resident's own
deadlines, CRPA L112-1). It is then qualified into a case (the case's legal clock starts on
``received_on``), attached to an existing case, routed to a department or closed.

An ``OutgoingLetter`` is a letter written from a case and printed: its PDF is a document of the case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from parvis.mailroom.enums import OPEN_STATUSES, LetterStatus


def scan_path(instance: LetterScan, filename: str) -> str:
    return f"mailroom/{instance.organisation_id}/{timezone.now():%Y/%m}/{filename}"


class LetterCounter(models.Model):
    """The last registered number of an organisation for one year (numbered under a row lock)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="letter_counter_unique")]

    def __str__(self) -> str:
        return f"{self.year} : {self.value}"


class Letter(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    number = models.CharField("numéro d'enregistrement", max_length=30)
    sender_name = models.CharField("expéditeur", max_length=300)
    sender_address = models.TextField("adresse postale de l'expéditeur", blank=True)
    sender_email = models.EmailField("adresse électronique de l'expéditeur", blank=True)
    sender_phone = models.CharField("téléphone de l'expéditeur", max_length=30, blank=True)
    person = models.ForeignKey(
        "people.Person",
        verbose_name="personne",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
    )
    received_on = models.DateField("reçu le", help_text="Date de réception légale (le délai de décision en part).")
    postmark_on = models.DateField("cachet de la poste du", null=True, blank=True)
    description = models.TextField("objet du courrier")
    status = models.CharField("état", max_length=20, choices=LetterStatus.choices, default=LetterStatus.TO_QUALIFY)
    department = models.ForeignKey(
        "organisations.Department",
        verbose_name="service destinataire",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name="demande", null=True, blank=True, on_delete=models.SET_NULL, related_name="letters"
    )
    closed_reason = models.TextField("motif du classement", blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="enregistré par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("enregistré le", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "courrier reçu"
        verbose_name_plural = "courriers reçus"
        ordering = ["-received_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="letter_number_unique")]
        indexes = [
            models.Index(fields=["organisation", "status", "-received_on"], name="letter_org_status"),
            models.Index(fields=["organisation", "department"], name="letter_org_department"),
        ]

    def __str__(self) -> str:
        return f"Courrier {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class LetterScan(models.Model):
    """One scanned page or file of a letter (checked by parvis.lib.uploads.check_upload)."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="scans")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=scan_path, max_length=300)
    name = models.CharField("nom", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "numérisation"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class OutgoingLetter(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", verbose_name="demande", on_delete=models.CASCADE, related_name="+")
    recipient_name = models.CharField("destinataire", max_length=300)
    recipient_address = models.TextField("adresse postale du destinataire")
    subject = models.CharField("objet", max_length=200)
    body = models.TextField("texte du courrier")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="signé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signatory_name = models.CharField("nom du signataire", max_length=200, blank=True)
    signatory_title = models.CharField("qualité du signataire", max_length=200, blank=True)
    document = models.ForeignKey(
        "cases.CaseDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("écrit le", auto_now_add=True)

    class Meta:
        verbose_name = "courrier envoyé"
        verbose_name_plural = "courriers envoyés"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "case"], name="outgoing_org_case")]

    def __str__(self) -> str:
        return f"Courrier « {self.subject} »"

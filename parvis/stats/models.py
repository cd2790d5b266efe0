"""Pre-aggregated statistics: daily figures per organisation × department × procedure × channel.

Rebuilt from the cases by ``parvis.stats.services.refresh_daily_stats`` (set-based GROUP BY queries,
never a loop over cases); the dashboards read only these tables, so they answer in constant time
whatever the number of cases.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from parvis.stats.enums import ExportFormat, ExportKind, ExportStatus


class DailyStat(models.Model):
    """The figures of one day for one organisation × department × procedure × channel.

    Two families of counts share the row: those counted on the day a case was received
    (``received``, ``incomplete``, ``ack_within``) and those counted on the day it was closed
    (the other fields).
    """

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    day = models.DateField("jour")
    department = models.ForeignKey(
        "organisations.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField("canal", max_length=20)
    # Counted on the day of receipt.
    received = models.PositiveIntegerField("reçues", default=0)
    incomplete = models.PositiveIntegerField("dossiers incomplets (pièces demandées)", default=0)
    ack_within = models.PositiveIntegerField("accusés de réception dans le délai légal", default=0)
    # Counted on the day of closure.
    closed = models.PositiveIntegerField("closes", default=0)
    decided = models.PositiveIntegerField("décisions expresses", default=0)
    with_delay = models.PositiveIntegerField("closes avec un délai (légal ou indicatif)", default=0)
    within_delay = models.PositiveIntegerField("décidées dans le délai", default=0)
    implicit_accepted = models.PositiveIntegerField("acceptations implicites", default=0)
    implicit_rejected = models.PositiveIntegerField("rejets implicites", default=0)
    responded = models.PositiveIntegerField("réponses (closes hors décision implicite)", default=0)
    response_days = models.PositiveBigIntegerField("somme des délais de réponse (jours)", default=0)

    class Meta:
        verbose_name = "statistique quotidienne"
        verbose_name_plural = "statistiques quotidiennes"
        indexes = [models.Index(fields=["organisation", "day"], name="stats_daily_org_day_idx")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.day} {self.procedure_id} {self.channel}"


class DailyResponseTime(models.Model):
    """How many cases answered on ``day`` took ``days`` days from receipt to answer: the histogram
    that gives exact medians and 90th percentiles over any period (they cannot be summed)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    day = models.DateField("jour")
    department = models.ForeignKey(
        "organisations.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField("canal", max_length=20)
    days = models.IntegerField("délai de réponse (jours)")
    count = models.PositiveIntegerField("demandes", default=0)

    class Meta:
        verbose_name = "délai de réponse (histogramme)"
        verbose_name_plural = "délais de réponse (histogramme)"
        indexes = [models.Index(fields=["organisation", "day"], name="stats_resp_org_day_idx")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.day}: {self.count} × {self.days} j"


class OpenSnapshot(models.Model):
    """The cases open at ``taken_at``, by age since receipt, and those late (rebuilt at each refresh)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "organisations.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField("canal", max_length=20)
    open_total = models.PositiveIntegerField("en cours", default=0)
    age_0_7 = models.PositiveIntegerField("reçues il y a 7 jours au plus", default=0)
    age_8_30 = models.PositiveIntegerField("8 à 30 jours", default=0)
    age_31_90 = models.PositiveIntegerField("31 à 90 jours", default=0)
    age_over_90 = models.PositiveIntegerField("plus de 90 jours", default=0)
    late = models.PositiveIntegerField("en retard", default=0)
    taken_at = models.DateTimeField("photographie du")

    class Meta:
        verbose_name = "demandes en cours (photographie)"
        verbose_name_plural = "demandes en cours (photographies)"
        indexes = [models.Index(fields=["organisation"], name="stats_open_org_idx")]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.open_total} en cours"


class StatsSettings(models.Model):
    """Per organisation: whether its public statistics page is published, and when figures were rebuilt.

    The row is also the lock taken by a refresh (``select_for_update``), so two refreshes of one
    organisation never interleave their delete and insert."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="stats_settings"
    )
    public_stats_enabled = models.BooleanField(
        "publier les statistiques",
        default=False,
        help_text="Une page publique /statistiques/ montre les chiffres agrégés, sans aucune donnée personnelle.",
    )
    target_days = models.PositiveSmallIntegerField(
        "objectif de délai de réponse (jours)",
        null=True,
        blank=True,
        help_text="L'engagement de la collectivité (par exemple 15 jours) : les tableaux de bord montrent la part "
        "des réponses données dans ce délai.",
    )
    refreshed_at = models.DateTimeField("chiffres recalculés le", null=True, blank=True)

    class Meta:
        verbose_name = "réglages des statistiques"
        verbose_name_plural = "réglages des statistiques"

    def __str__(self) -> str:
        return f"Statistiques de {self.organisation_id}"


class DailyActivity(models.Model):
    """Counts of one day beyond the cases' own figures, one row per ``family`` × key × outcome:

    - ``channel_use``: cases received that day which used ``key`` (their entry channel, or a contact
      journaled as a "channel used" event), with department and procedure;
    - ``call``: calls taken (``key`` the subject, ``outcome`` the follow-up, ``amount`` minutes);
    - ``letter``: letters received (``key`` the subject or kind, when the mail room exists);
    - ``report_received`` (``key`` the category) and ``report_repaired`` (``days`` from report to
      repair: a histogram for medians; ``outcome`` ``reopened`` when the report was reopened);
    - ``appointment`` (``key`` the type, ``outcome`` the status, ``amount`` minutes booked) and
      ``appointment_lead`` (``days`` from booking to appointment: a histogram);
    - ``payment``: invoices paid (``outcome`` ``paid_online`` or ``paid_counter``, ``amount`` cents).
    """

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    day = models.DateField("jour")
    family = models.CharField("famille", max_length=30)
    key = models.CharField("clé (canal, sujet, catégorie…)", max_length=200, blank=True)
    outcome = models.CharField("suite, état", max_length=40, blank=True)
    department = models.ForeignKey(
        "organisations.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    days = models.IntegerField("délai (jours)", null=True, blank=True)
    count = models.PositiveIntegerField("nombre", default=0)
    amount = models.BigIntegerField("montant (minutes, centimes)", default=0)

    class Meta:
        verbose_name = "activité quotidienne"
        verbose_name_plural = "activités quotidiennes"
        indexes = [models.Index(fields=["organisation", "family", "day"], name="stats_activity_org_idx")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.day} {self.family} {self.key} {self.outcome}: {self.count}"


def export_path(instance: Export, filename: str) -> str:
    return f"stats/exports/{instance.organisation_id}/{uuid.uuid4().hex}-{filename}"


class Export(models.Model):
    """A file of a list too long to build during the request, built by the worker
    (``parvis.stats.tasks.run_export``), downloadable by its requester (or an administrator) until it expires."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="demandé par"
    )
    kind = models.CharField("contenu", max_length=20, choices=ExportKind.choices)
    params = models.JSONField("critères", default=dict, blank=True)
    format = models.CharField("format", max_length=4, choices=ExportFormat.choices)
    status = models.CharField("état", max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    rows_done = models.PositiveIntegerField("lignes écrites", default=0)
    rows_total = models.PositiveIntegerField("lignes à écrire", default=0)
    title = models.CharField("intitulé", max_length=300)
    filename = models.CharField("nom du fichier", max_length=200)
    file = models.FileField(upload_to=export_path, blank=True, max_length=300)
    error = models.CharField("erreur", max_length=300, blank=True)
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    expires_at = models.DateTimeField("disponible jusqu'au", null=True, blank=True)
    downloaded_at = models.DateTimeField("téléchargé le", null=True, blank=True)

    class Meta:
        verbose_name = "export"
        verbose_name_plural = "exports"
        indexes = [models.Index(fields=["organisation", "requested_by", "created_at"], name="stats_export_owner_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_format_display()}, {self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.READY:
            return 100
        return int(self.rows_done * 100 / self.rows_total) if self.rows_total else 0

    @property
    def in_progress(self) -> bool:
        return self.status in (ExportStatus.PENDING, ExportStatus.RUNNING)

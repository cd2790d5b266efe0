"""Field interventions (work orders, issue 7): a case — a street report or any other request —
produces interventions that a field team does in a planned week.

``Team`` groups field agents of a department. ``Intervention`` is the work order: numbered per
organisation and year (``I-2026-0007``), planned for an ISO week (its Monday), rolled over to
the current week while unfinished. ``InterventionReport`` is what the field agent records on the
spot (time spent, materials, an "after" photo); a supervisor then validates it or returns it to
the field with a comment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from parvis.interventions.enums import STATUS_BADGES, Priority, Status


class Team(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "organisations.Department",
        verbose_name="service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="field_teams",
    )
    name = models.CharField("nom de l'équipe", max_length=120)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="agents de terrain", blank=True, related_name="field_teams"
    )
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "équipe de terrain"
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="intervention_team_name")]

    def __str__(self) -> str:
        return self.name


class InterventionCounter(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="intervention_counter_unique")]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.value}"


class Intervention(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "cases.Case", verbose_name="demande", on_delete=models.CASCADE, related_name="interventions"
    )
    number = models.CharField("numéro", max_length=20)
    title = models.CharField("intitulé", max_length=200)
    description = models.TextField("travail à faire", blank=True)
    location = models.CharField("lieu", max_length=300, blank=True)
    latitude = models.DecimalField("latitude", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("longitude", max_digits=9, decimal_places=6, null=True, blank=True)
    priority = models.CharField("priorité", max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    due_on = models.DateField("à faire avant le", null=True, blank=True)
    department = models.ForeignKey(
        "organisations.Department",
        verbose_name="service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.ForeignKey(
        Team, verbose_name="équipe", null=True, blank=True, on_delete=models.PROTECT, related_name="interventions"
    )
    planned_week = models.DateField("semaine prévue (lundi)", null=True, blank=True)
    rollover_count = models.PositiveSmallIntegerField("semaines reportées", default=0)
    status = models.CharField("état", max_length=20, choices=Status.choices, default=Status.TO_PLAN)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="agent désigné",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField("commencée le", null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="validée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    validated_at = models.DateTimeField("validée le", null=True, blank=True)
    cancel_reason = models.CharField("motif d'annulation", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "intervention"
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="intervention_number")]
        indexes = [
            models.Index(fields=["organisation", "planned_week", "status"], name="intervention_org_week"),
            models.Index(fields=["organisation", "status"], name="intervention_org_status"),
            models.Index(fields=["status", "planned_week"], name="intervention_rollover"),
        ]

    def __str__(self) -> str:
        return f"Intervention {self.number}"

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES.get(Status(self.status), "status-grey")

    @property
    def is_open(self) -> bool:
        return self.status not in (Status.VALIDATED, Status.CANCELLED)

    @property
    def map_url(self) -> str:
        """An OpenStreetMap link for the phone's browser or maps app (the typed location is always shown too)."""
        if self.latitude is None or self.longitude is None:
            return ""
        return (
            f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
            f"#map=19/{self.latitude}/{self.longitude}"
        )

    @property
    def geo_uri(self) -> str:
        if self.latitude is None or self.longitude is None:
            return ""
        return f"geo:{self.latitude},{self.longitude}"


class InterventionReport(models.Model):
    """What the field agent recorded, and what the supervisor decided about it."""

    intervention = models.OneToOneField(Intervention, on_delete=models.CASCADE, related_name="report")
    done_at = models.DateTimeField("réalisée le")
    time_spent_minutes = models.PositiveSmallIntegerField("temps passé (minutes)")
    materials = models.TextField("matériaux et fournitures", blank=True)
    comment = models.TextField("commentaire", blank=True)
    photo = models.FileField("photo après intervention", upload_to="interventions/%Y/%m/", blank=True)
    photo_content_type = models.CharField(max_length=50, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField("transmis le")
    returned_at = models.DateTimeField("renvoyée sur le terrain le", null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_comment = models.TextField("motif du renvoi sur le terrain", blank=True)

    class Meta:
        verbose_name = "compte rendu d'intervention"

    def __str__(self) -> str:
        return f"Compte rendu de l'intervention {self.intervention_id}"

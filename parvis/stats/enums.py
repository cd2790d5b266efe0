"""Enumerations of the statistics app."""

from __future__ import annotations

from django.db import models


class ExportKind(models.TextChoices):
    CASES = "cases", "Liste des demandes"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    ODS = "ods", "ODS (tableur)"


class ExportStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    RUNNING = "running", "En préparation"
    READY = "ready", "Prêt"
    FAILED = "failed", "Échec"
    EXPIRED = "expired", "Expiré"


class CaseList(models.TextChoices):
    """The lists of cases behind a dashboard's figures (the queue's filters)."""

    ALL = "all", "Toutes les demandes"
    OPEN = "open", "Demandes en cours"
    CLOSED = "closed", "Demandes closes"
    LATE = "late", "Demandes en retard"
    DUE_7 = "due_7", "Décision due dans les 7 jours"


class Family(models.TextChoices):
    """Families of ``DailyActivity`` rows."""

    CHANNEL_USE = "channel_use", "Canaux utilisés par les demandes"
    CALL = "call", "Appels"
    LETTER = "letter", "Courriers"
    REPORT_RECEIVED = "report_received", "Signalements reçus"
    REPORT_REPAIRED = "report_repaired", "Signalements réparés"
    APPOINTMENT = "appointment", "Rendez-vous"
    APPOINTMENT_LEAD = "appointment_lead", "Délai d'obtention des rendez-vous"
    PAYMENT = "payment", "Paiements"

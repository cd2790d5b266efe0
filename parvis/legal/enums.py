"""Enumerations of the legal rules: silence rules, delay units and public-holiday calendars."""

from __future__ import annotations

from django.db import models


class SilenceRule(models.TextChoices):
    """What the administration's silence means at the end of the delay (CRPA L231-1, L231-4)."""

    NONE = "none", "Pas de décision implicite"
    SVA = "sva", "Silence vaut accord"
    SVR = "svr", "Silence vaut rejet"


class PeriodUnit(models.TextChoices):
    DAYS = "days", "jours"
    WEEKS = "weeks", "semaines"
    MONTHS = "months", "mois"


class Calendar(models.TextChoices):
    """Public-holiday calendars; the value is stored in ``Organisation.calendar``."""

    FR = "FR", "France métropolitaine"
    ALSACE_MOSELLE = "FR-ALSACE-MOSELLE", "Alsace-Moselle (Bas-Rhin, Haut-Rhin, Moselle)"
    GUADELOUPE = "FR-GUADELOUPE", "Guadeloupe"
    MARTINIQUE = "FR-MARTINIQUE", "Martinique"
    GUYANE = "FR-GUYANE", "Guyane"
    REUNION = "FR-REUNION", "La Réunion"
    MAYOTTE = "FR-MAYOTTE", "Mayotte"
    SAINT_PIERRE_ET_MIQUELON = "FR-SAINT-PIERRE-ET-MIQUELON", "Saint-Pierre-et-Miquelon"
    SAINT_BARTHELEMY = "FR-SAINT-BARTHELEMY", "Saint-Barthélemy"
    SAINT_MARTIN = "FR-SAINT-MARTIN", "Saint-Martin"

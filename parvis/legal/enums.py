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


class RecourseUnit(models.TextChoices):
    """Unit of the citizen's recourse delay: months (CJA R421-1: two months) or days (Code électoral L18)."""

    DAYS = "days", "jours"
    MONTHS = "months", "mois"


class CourtKind(models.TextChoices):
    """The order of the court that hears the contentious recourse against the decision."""

    ADMINISTRATIVE = "administrative", "Juridiction administrative (tribunal administratif)"
    JUDICIAL = "judicial", "Juridiction judiciaire (tribunal judiciaire)"


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


class LegalNature(models.TextChoices):
    """What a procedure asks of the administration: the mentions of its acknowledgment depend on it."""

    DEMANDE = "demande", "Demande appelant une décision"
    DECLARATION = "declaration", "Déclaration"
    INFORMATION = "information", "Signalement, question ou prise de rendez-vous (pas de décision)"


class DeadlineState(models.TextChoices):
    """Where a case stands against the administration's delay (stored on the case, indexed)."""

    NONE = "none", "Pas de décision implicite"
    RUNNING = "running", "Délai en cours"
    WAITING = "waiting", "Délai non commencé (pièces attendues)"
    SUSPENDED = "suspended", "Délai suspendu (pièces attendues)"
    DECIDED = "decided", "Décision expresse"
    CLOSED = "closed", "Close sans décision"
    IMPLICIT_ACCEPTED = "implicit_accepted", "Acceptée implicitement"
    IMPLICIT_REJECTED = "implicit_rejected", "Rejetée implicitement"


class Decision(models.TextChoices):
    """The decision a final status carries (``Status.decision`` in a workflow)."""

    ACCEPT = "accept", "Décision favorable"
    REJECT = "reject", "Décision défavorable"


class AcknowledgmentKind(models.TextChoices):
    REGISTRATION = "registration", "Accusé d'enregistrement"
    RECEIPT = "receipt", "Accusé de réception"
    PIECES_REQUEST = "pieces_request", "Demande de pièces ou d'informations manquantes"
    PIECES_RECEIVED = "pieces_received", "Réception des pièces manquantes"
    IMPLICIT_DECISION = "implicit_decision", "Information sur la décision implicite"
    DECISION = "decision", "Notification de la décision"
    ATTESTATION = "attestation", "Attestation de décision implicite d'acceptation"
    PAYMENT = "payment", "Accusé de réception de paiement"


class PiecesRequestStatus(models.TextChoices):
    OPEN = "open", "Pièces attendues"
    COMPLETE = "complete", "Pièces reçues"
    EXPIRED = "expired", "Délai dépassé"
    CANCELLED = "cancelled", "Annulée"


class FinalDisposition(models.TextChoices):
    """Sort final of a file once its retention (DUA) ends (instruction DAF/DPACI/RES/2009/018)."""

    DESTROY = "destroy", "Élimination (après visa des Archives départementales)"
    SORT = "sort", "Tri"
    KEEP = "keep", "Conservation définitive"

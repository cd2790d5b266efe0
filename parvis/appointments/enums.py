from django.db import models


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Réservé"
    HONOURED = "honoured", "Honoré"
    NO_SHOW = "no_show", "Absent (non honoré)"
    LATE_CANCELLED = "late_cancelled", "Annulé tardivement"
    CANCELLED = "cancelled", "Annulé"


# Statuses an agent sets after the day.
OUTCOMES = (AppointmentStatus.HONOURED, AppointmentStatus.NO_SHOW, AppointmentStatus.LATE_CANCELLED)


class BookingChannel(models.TextChoices):
    WEB = "web", "En ligne"
    COUNTER = "counter", "Au guichet"
    PHONE = "phone", "Par téléphone"


class ExceptionKind(models.TextChoices):
    CLOSURE = "closure", "Fermeture"
    EXTRA = "extra", "Séance supplémentaire"


class WaitingStatus(models.TextChoices):
    WAITING = "waiting", "En attente"
    OFFERED = "offered", "Créneau proposé"
    BOOKED = "booked", "A réservé"
    EXPIRED = "expired", "Offre expirée"
    CANCELLED = "cancelled", "Retiré"


WEEKDAYS = [(0, "lundi"), (1, "mardi"), (2, "mercredi"), (3, "jeudi"), (4, "vendredi"), (5, "samedi"), (6, "dimanche")]

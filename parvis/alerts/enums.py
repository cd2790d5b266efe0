from django.db import models


class AreaKind(models.TextChoices):
    CIRCLE = "circle", "Un centre et un rayon"
    POLYGON = "polygon", "Un contour (polygone)"


class Scope(models.TextChoices):
    COMMUNE = "commune", "Toute la commune"
    AREA = "area", "Un quartier"
    ADDRESS = "address", "Autour d'une adresse (ma rue, mon quartier)"


class BroadcastKind(models.TextChoices):
    ROADWORKS = "roadworks", "Travaux"
    WATER_CUT = "water_cut", "Coupure d'eau"
    WEATHER = "weather", "Alerte météo"
    TRAFFIC = "traffic", "Circulation et stationnement"
    OTHER = "other", "Information"


class Target(models.TextChoices):
    COMMUNE = "commune", "Toute la commune"
    AREA = "area", "Un quartier"
    STREET = "street", "Une rue"


class BroadcastStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon (pas encore envoyé)"
    SENDING = "sending", "Envoi en cours"
    SENT = "sent", "Envoyé"


class DeliveryOutcome(models.TextChoices):
    QUEUED = "queued", "Confié à la messagerie"
    OVER_BUDGET = "over_budget", "Non envoyé : budget SMS du mois atteint"
    INVALID = "invalid", "Non envoyé : coordonnée invalide"


RADIUS_CHOICES = [(100, "100 m"), (300, "300 m"), (500, "500 m"), (1000, "1 km"), (2000, "2 km")]

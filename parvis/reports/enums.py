from django.db import models


class Competence(models.TextChoices):
    COMMUNE = "commune", "La commune où se trouve le problème"
    EPCI = "epci", "L'intercommunalité"


class Moderation(models.TextChoices):
    PENDING = "pending", "À modérer"
    APPROVED = "approved", "Publié"
    REJECTED = "rejected", "Non publié"


class Feedback(models.TextChoices):
    NONE = "", "Pas encore de retour"
    CONFIRMED = "confirmed", "Réparation confirmée"
    REOPENED = "reopened", "Rouvert par l'usager"


class PhotoKind(models.TextChoices):
    BEFORE = "before", "Photo du signalement"
    AFTER = "after", "Photo après intervention"

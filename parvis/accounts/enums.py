from django.db import models


class Role(models.TextChoices):
    FRONT_OFFICE = "front_office", "Accueil / front office"
    BACK_OFFICE = "back_office", "Service instructeur / back office"
    FIELD = "field", "Équipe terrain"
    ADMIN = "admin", "Administrateur"
    ELECTED = "elected", "Élu / direction (lecture seule)"


class ProfileKind(models.TextChoices):
    COMPANY = "company", "Entreprise"
    ASSOCIATION = "association", "Association"


class Relationship(models.TextChoices):
    CHILD = "child", "Enfant"
    PARTNER = "partner", "Conjoint(e)"
    OTHER = "other", "Autre personne du foyer"

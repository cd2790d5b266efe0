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
    MANDATE = "mandate", "Mandat (démarches pour un proche)"


class MandateBasis(models.TextChoices):
    FAMILY = "family", "Aidant familial ou proche"
    PROFESSIONAL = "professional", "Aidant professionnel (France services, Aidants Connect)"
    LEGAL = "legal", "Mesure de protection (tutelle, curatelle, habilitation familiale)"


class Relationship(models.TextChoices):
    CHILD = "child", "Enfant"
    PARTNER = "partner", "Conjoint(e)"
    OTHER = "other", "Autre personne du foyer"

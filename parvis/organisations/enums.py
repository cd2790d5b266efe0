from django.db import models


class OrganisationKind(models.TextChoices):
    EPCI = "epci", "Intercommunalité (EPCI)"
    COMMUNE = "commune", "Commune"

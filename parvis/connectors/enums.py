from django.db import models


class Api(models.TextChoices):
    QUOTIENT_FAMILIAL = "api_particulier.quotient_familial", "Quotient familial (CAF)"


class CallStatus(models.TextChoices):
    OK = "ok", "Donnée obtenue"
    NOT_FOUND = "not_found", "Aucune donnée trouvée"
    UNAVAILABLE = "unavailable", "Service indisponible"


# What the resident is told about each exchange (CRPA L114-8: which data, from whom, on which basis).
SOURCES = {Api.QUOTIENT_FAMILIAL: "Caisse d'allocations familiales (CNAF), par API Particulier (DINUM)"}
LEGAL_BASES = {
    Api.QUOTIENT_FAMILIAL: (
        "Code des relations entre le public et l'administration, art. L114-8 et R114-9-3 (échange de données "
        "entre administrations pour le calcul d'un tarif) ; votre accord donné au moment de la demande"
    )
}

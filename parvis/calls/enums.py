from django.db import models


class Outcome(models.TextChoices):
    ANSWERED = "answered", "Répondu"
    TRANSFERRED = "transferred", "Transféré à un service"
    CALLBACK = "callback", "Rappel à faire"
    CASE = "case", "Transformé en demande"


# The subjects an organisation starts from (its administrators edit the list).
DEFAULT_SUBJECTS = [
    "Horaires et accueil",
    "Carte d'identité et passeport",
    "État civil",
    "Déchets et encombrants",
    "École, cantine et périscolaire",
    "Voirie et propreté",
    "Urbanisme",
    "Suivi d'une demande",
]

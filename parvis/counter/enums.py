from django.db import models

from parvis.cases.enums import Channel

# The channels through which an agent files on someone's behalf.
ASSISTED_CHANNELS = (Channel.COUNTER, Channel.PHONE, Channel.MAIL, Channel.HOME_VISIT)

# How each channel reads in a sentence of the timeline: « Poursuivie à l'accueil par Karim Benali ».
WHERE: dict[str, str] = {
    Channel.WEB: "en ligne",
    Channel.COUNTER: "à l'accueil",
    Channel.PHONE: "par téléphone",
    Channel.MAIL: "à partir d'un courrier",
    Channel.HOME_VISIT: "lors d'une visite à domicile",
    Channel.EMAIL: "par courriel",
    Channel.API: "par un logiciel partenaire",
}


class Visitor(models.TextChoices):
    SELF = "self", "La personne elle-même"
    OTHER = "other", "Une autre personne"


class StepKind(models.TextChoices):
    STARTED = "started", "Commencée"
    CONTINUED = "continued", "Poursuivie"
    HANDED_OVER = "handed_over", "Confiée au demandeur"
    FILED = "filed", "Déposée"
    FINISHED_ONLINE = "finished_online", "Terminée en ligne"

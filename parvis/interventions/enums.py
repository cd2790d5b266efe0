from django.db import models


class Priority(models.TextChoices):
    URGENT = "urgente", "Urgente"
    HIGH = "haute", "Haute"
    NORMAL = "normale", "Normale"
    LOW = "basse", "Basse"


# Order in lists: urgent first.
PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


class Status(models.TextChoices):
    TO_PLAN = "a_planifier", "À planifier"
    PLANNED = "planifiee", "Planifiée"
    IN_PROGRESS = "en_cours", "En cours"
    DONE = "terminee", "Terminée (à valider)"
    VALIDATED = "validee", "Validée"
    CANCELLED = "annulee", "Annulée"


# Work still to do in the field: these roll over to the current week when their week has passed.
UNFINISHED = (Status.PLANNED, Status.IN_PROGRESS)
# Not closed: still shown in plans and lists.
OPEN = (Status.TO_PLAN, Status.PLANNED, Status.IN_PROGRESS, Status.DONE)
FINAL = (Status.VALIDATED, Status.CANCELLED)

STATUS_BADGES = {
    Status.TO_PLAN: "status-amber",
    Status.PLANNED: "status-blue",
    Status.IN_PROGRESS: "status-teal",
    Status.DONE: "status-purple",
    Status.VALIDATED: "status-green",
    Status.CANCELLED: "status-grey",
}

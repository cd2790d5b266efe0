from django.db import models


class LetterStatus(models.TextChoices):
    TO_QUALIFY = "to_qualify", "À qualifier"
    QUALIFIED = "qualified", "Qualifié en demande"
    ATTACHED = "attached", "Rattaché à une demande"
    ROUTED = "routed", "Transmis à un service"
    CLOSED = "closed", "Classé sans suite"


# A letter still waiting for someone to act on it: it can be qualified, attached, routed or closed.
OPEN_STATUSES = (LetterStatus.TO_QUALIFY, LetterStatus.ROUTED)

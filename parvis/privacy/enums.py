from django.db import models


class ErasureStatus(models.TextChoices):
    RECEIVED = "received", "À traiter"
    DONE = "done", "Effacement fait"
    PARTIAL = "partial", "Effacement partiel (obligation légale pour le reste)"
    REFUSED = "refused", "Refusé (obligation légale ou mission d'intérêt public)"


ANSWERED = (ErasureStatus.DONE, ErasureStatus.PARTIAL, ErasureStatus.REFUSED)

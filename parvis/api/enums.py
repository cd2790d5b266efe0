from django.db import models


class Scope(models.TextChoices):
    """What an API token may do. A token never does more than its user could do on the site."""

    PROCEDURES_READ = "procedures:read", "Lire le catalogue des démarches et leurs formulaires"
    CASES_READ = "cases:read", "Lire les demandes (agents : celles qu'ils voient ; usagers : les leurs)"
    CASES_SUBMIT = (
        "cases:submit",
        "Déposer une demande (agents : pour le compte d'un usager) ; usagers : répondre et joindre des pièces",
    )
    CASES_WRITE = "cases:write", "Traiter les demandes (agents : étapes, messages, documents)"


# A resident's token (no role in the organisation) may hold only these.
CITIZEN_SCOPES = frozenset({Scope.PROCEDURES_READ, Scope.CASES_READ, Scope.CASES_SUBMIT})

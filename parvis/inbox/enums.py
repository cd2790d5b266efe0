from django.db import models


class MessageStatus(models.TextChoices):
    TO_QUALIFY = "to_qualify", "À qualifier"
    CASE_CREATED = "case_created", "Demande créée"
    ATTACHED = "attached", "Rattaché à une demande"
    IGNORED = "ignored", "Ignoré"


class Reason(models.TextChoices):
    """Why a message is in its status (the tray shows the label)."""

    RECEIVED = "received", "Reçu, en cours de traitement"
    NEW_CASE = "new_case", "Nouvelle demande"
    REFERENCE = "reference", "Référence de demande dans l'objet"
    BOUNCE = "bounce", "Avis de non-remise"
    AUTO_REPLY = "auto_reply", "Réponse automatique"
    LOOP = "loop", "Envoyé par la plateforme elle-même"
    PARSE_ERROR = "parse_error", "Message illisible"
    CLOSED_CASE = "closed_case", "Demande citée close"
    NO_PROCEDURE = "no_procedure", "Aucune démarche configurée pour l'adresse"
    REFUSED = "refused", "Demande refusée par la démarche"
    NO_SENDER = "no_sender", "Expéditeur illisible"
    OTHER_SENDER = "other_sender", "Expéditeur différent du demandeur de la demande citée"
    AGENT = "agent", "Décision d'un agent"


class Source(models.TextChoices):
    IMAP = "imap", "Relève IMAP"
    WEBHOOK = "webhook", "Webhook (MIME brut)"
    SMTP = "smtp", "Serveur SMTP de Parvis"
    DEMO = "demo", "Exemple de démonstration"

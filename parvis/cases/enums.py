from django.db import models


class Channel(models.TextChoices):
    WEB = "web", "Site web"
    COUNTER = "counter", "Accueil (guichet)"
    PHONE = "phone", "Téléphone"
    MAIL = "mail", "Courrier"
    EMAIL = "email", "Courriel"
    HOME_VISIT = "home_visit", "Visite à domicile"
    API = "api", "API"


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", "Demande déposée"
    STATUS_CHANGED = "status_changed", "Changement d'étape"
    ASSIGNED = "assigned", "Attribution"
    TRANSFERRED = "transferred", "Transfert"
    MESSAGE_TO_CITIZEN = "message_to_citizen", "Message au demandeur"
    MESSAGE_FROM_CITIZEN = "message_from_citizen", "Message du demandeur"
    NOTE = "note", "Note interne"
    DOCUMENT_ADDED = "document_added", "Document ajouté"
    CHANNEL_USED = "channel_used", "Canal utilisé"
    LINKED = "linked", "Demande liée"

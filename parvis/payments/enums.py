"""Enumerations of invoices and payments."""

from __future__ import annotations

from django.db import models


class RegieKind(models.TextChoices):
    CANTEEN = "canteen", "Restauration scolaire"
    PERISCOLAIRE = "periscolaire", "Accueil périscolaire"
    CRECHE = "creche", "Crèche"
    WATER = "water", "Eau et assainissement"
    ROOM_RENTAL = "room_rental", "Location de salles"
    FEES = "fees", "Droits et redevances des démarches"
    OTHER = "other", "Autre"


class Backend(models.TextChoices):
    """eopayment backends Parvis configures (the value is eopayment's backend name)."""

    PAYFIP_WS = "payfip_ws", "PayFiP (service web de la DGFiP)"
    DUMMY = "dummy", "Paiement simulé (démonstration uniquement)"


class PayfipMode(models.TextChoices):
    """PayFiP's ``saisie`` parameter."""

    TEST = "T", "T — test"
    ACTIVATION = "X", "X — activation"
    PRODUCTION = "W", "W — production"


class InvoiceStatus(models.TextChoices):
    TO_PAY = "to_pay", "À payer"
    OVERDUE = "overdue", "En retard"
    PAID_ONLINE = "paid_online", "Payée en ligne"
    PAID_COUNTER = "paid_counter", "Payée au guichet"
    CANCELLED = "cancelled", "Annulée"


PAYABLE_STATUSES = (InvoiceStatus.TO_PAY, InvoiceStatus.OVERDUE)
PAID_STATUSES = (InvoiceStatus.PAID_ONLINE, InvoiceStatus.PAID_COUNTER)


class InvoiceSource(models.TextChoices):
    AGENT = "agent", "Saisie par un agent"
    IMPORT = "import", "Import du logiciel de facturation"
    PROCEDURE = "procedure", "Frais d'une démarche"


class CounterMethod(models.TextChoices):
    CASH = "cash", "Espèces"
    CHEQUE = "cheque", "Chèque"


class TransactionStatus(models.TextChoices):
    PENDING = "pending", "En cours"
    PAID = "paid", "Payé"
    DENIED = "denied", "Refusé"
    CANCELLED = "cancelled", "Abandonné"
    EXPIRED = "expired", "Expiré"
    ERROR = "error", "Anomalie"


class NotificationOutcome(models.TextChoices):
    APPLIED = "applied", "Prise en compte"
    REPLAYED = "replayed", "Déjà prise en compte (rejouée)"
    WAITING = "waiting", "Paiement encore en cours"
    UNKNOWN = "unknown", "Transaction inconnue — refusée"
    INVALID = "invalid", "Illisible ou non signée — refusée"
    TAMPERED = "tampered", "Montant différent — refusée"
    UNAVAILABLE = "unavailable", "Confirmation impossible (prestataire injoignable)"

"""Invoices, régies and online payments.

Amounts are integers of cents everywhere (never floats); eopayment receives a decimal string
built from them (``backends.euros``).

An invoice is issued to a person: a ``User`` when the payer has an account, otherwise a name and
an email address only (the invoice then shows in the "Mes factures" of whoever logs in with that
verified address). Households (family accounts) are not modelled yet: no foreign key points to
one, so adding a ``Household`` later is a new nullable column, not a change of the existing ones.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from parvis.payments.enums import (
    PAYABLE_STATUSES,
    Backend,
    CounterMethod,
    InvoiceSource,
    InvoiceStatus,
    NotificationOutcome,
    RegieKind,
    TransactionStatus,
)


class Regie(models.Model):
    """A régie de recettes of an organisation (canteen, crèche, water...) with its payment backend.

    ``backend_options`` holds the backend's own settings: for ``payfip_ws`` ``numcli`` (6 digits from
    the DGFiP) and ``saisie`` (T, X or W); the return and notification addresses are added per payment.
    """

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="regies")
    slug = models.SlugField("identifiant", max_length=50)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature", max_length=20, choices=RegieKind.choices, default=RegieKind.OTHER)
    backend = models.CharField("moyen de paiement en ligne", max_length=20, choices=Backend.choices)
    backend_options = models.JSONField("réglages du moyen de paiement", default=dict, blank=True)
    pending_minutes = models.PositiveIntegerField(
        "délai d'expiration d'un paiement en cours (minutes)",
        default=20,
        help_text="PayFiP : un paiement non conclu après 20 minutes est abandonné.",
    )
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "régie"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "slug"], name="regie_slug_per_organisation")]

    def __str__(self) -> str:
        return self.name

    @property
    def numcli(self) -> str:
        return str(self.backend_options.get("numcli", ""))


class Invoice(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="invoices")
    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="invoices", verbose_name="régie")
    reference = models.CharField("référence", max_length=30)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="invoices"
    )
    payer_name = models.CharField("nom du redevable", max_length=200)
    payer_email = models.EmailField("courriel du redevable", blank=True)
    subject = models.CharField("objet", max_length=200)
    issued_on = models.DateField("émise le")
    due_on = models.DateField("à payer avant le")
    amount_cents = models.PositiveIntegerField("montant (centimes)")
    status = models.CharField("état", max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.TO_PAY)
    source = models.CharField("origine", max_length=20, choices=InvoiceSource.choices, default=InvoiceSource.AGENT)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="invoices", verbose_name="demande"
    )
    # For a procedure's fee: the workflow transition applied automatically once the invoice is paid.
    paid_transition = models.CharField(max_length=50, blank=True)
    paid_at = models.DateTimeField("payée le", null=True, blank=True)
    paid_transaction = models.ForeignKey(
        "PaymentTransaction", null=True, blank=True, on_delete=models.PROTECT, related_name="settled_invoices"
    )
    counter_method = models.CharField(
        "moyen de paiement au guichet", max_length=10, choices=CounterMethod.choices, blank=True
    )
    counter_note = models.CharField("précision (n° de chèque...)", max_length=200, blank=True)
    counter_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_reason = models.CharField("motif d'annulation", max_length=300, blank=True)
    reminded_before_at = models.DateTimeField(null=True, blank=True)
    reminded_overdue_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "facture"
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="invoice_reference_per_organisation")
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "due_on"], name="invoice_org_status_idx"),
            models.Index(fields=["organisation", "-issued_on"], name="invoice_org_issued_idx"),
            models.Index(fields=["payer_email"], name="invoice_payer_email_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_payable(self) -> bool:
        return self.status in PAYABLE_STATUSES


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    label = models.CharField("libellé", max_length=200)
    quantity = models.PositiveIntegerField("quantité", default=1)
    unit_cents = models.PositiveIntegerField("prix unitaire (centimes)")

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def total_cents(self) -> int:
        return self.quantity * self.unit_cents


class PaymentTransaction(models.Model):
    """One attempt to pay one or several invoices of one régie online.

    ``provider_id`` is the identifier eopayment returned (PayFiP's ``idOp``, the dummy backend's
    transaction id); ``refdet`` is the reference sent to PayFiP (unique, 30 alphanumerics at most).
    """

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="transactions")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    refdet = models.CharField(max_length=30, unique=True)
    backend = models.CharField(max_length=20, choices=Backend.choices)
    provider_id = models.CharField(max_length=100, blank=True)
    provider_reference = models.CharField("référence du prestataire", max_length=200, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    email = models.EmailField()
    amount_cents = models.PositiveIntegerField()
    invoices = models.ManyToManyField(Invoice, related_name="transactions")
    status = models.CharField(max_length=20, choices=TransactionStatus.choices, default=TransactionStatus.PENDING)
    bank_status = models.CharField(max_length=200, blank=True)
    bank_data = models.JSONField(default=dict, blank=True)
    anomaly = models.CharField("anomalie", max_length=300, blank=True)
    is_test = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)

    class Meta:
        verbose_name = "paiement en ligne"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["backend", "provider_id"], condition=~Q(provider_id=""), name="transaction_provider_id_unique"
            )
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="transaction_status_idx"),
            models.Index(fields=["organisation", "confirmed_at"], name="transaction_confirmed_idx"),
        ]

    def __str__(self) -> str:
        return self.refdet


class ProviderNotification(models.Model):
    """Every notification received from a payment provider, kept with what was done with it."""

    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, on_delete=models.PROTECT, related_name="+"
    )
    transaction = models.ForeignKey(
        PaymentTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    payload = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=NotificationOutcome.choices)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.received_at:%d/%m/%Y %H:%M} {self.outcome}"


class PaymentAcknowledgment(models.Model):
    """The electronic acknowledgment of an online payment (CRPA L112-11), kept as proof."""

    transaction = models.OneToOneField(PaymentTransaction, on_delete=models.PROTECT, related_name="acknowledgment")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    mentions = models.JSONField(default=list)
    message = models.ForeignKey(
        "notifications.OutboundMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Accusé de réception du paiement {self.transaction_id}"


class Refund(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="refunds")
    amount_cents = models.PositiveIntegerField("montant remboursé (centimes)")
    reason = models.CharField("motif", max_length=300)
    method = models.CharField("moyen", max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"Remboursement de {self.amount_cents} centimes ({self.invoice_id})"

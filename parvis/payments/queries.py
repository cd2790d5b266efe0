"""Reads of invoices and payments that need scoping (never another organisation's rows)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from parvis.organisations.models import Organisation
from parvis.payments.enums import InvoiceStatus, TransactionStatus
from parvis.payments.models import Invoice, PaymentTransaction, Refund, Regie


def invoices_visible_to(user: Any) -> Q:
    """A person's invoices: theirs, and those addressed to their verified email without an account."""
    condition = Q(user=user)
    if getattr(user, "email_verified_at", None):
        condition |= Q(user__isnull=True, payer_email__iexact=user.email)
    return condition


def invoices_for_citizen(organisation: Organisation, user: Any) -> QuerySet[Invoice]:
    return (
        Invoice.objects.filter(organisation=organisation)
        .filter(invoices_visible_to(user))
        .select_related("regie")
        .order_by("due_on", "pk")
    )


def transactions_for_citizen(organisation: Organisation, user: Any) -> QuerySet[PaymentTransaction]:
    return (
        PaymentTransaction.objects.filter(organisation=organisation, user=user)
        .select_related("regie")
        .prefetch_related("invoices")
        .order_by("-created_at", "-pk")
    )


def regies_of(organisation: Organisation) -> QuerySet[Regie]:
    return Regie.objects.filter(organisation=organisation)


def invoices_for_agents(
    organisation: Organisation,
    *,
    status: str = "",
    regie: Regie | None = None,
    search: str = "",
    due_before: dt.date | None = None,
) -> QuerySet[Invoice]:
    found = Invoice.objects.filter(organisation=organisation).select_related("regie", "case")
    if status:
        found = found.filter(status=status)
    if regie is not None:
        found = found.filter(regie=regie)
    if due_before is not None:
        found = found.filter(due_on__lte=due_before)
    if search:
        found = found.filter(
            Q(reference__icontains=search) | Q(payer_name__icontains=search) | Q(payer_email__icontains=search)
        )
    return found.order_by("-issued_on", "-pk")


@dataclass(frozen=True)
class ReconciliationRow:
    kind: str
    at: dt.datetime
    regie: str
    numcli: str
    refdet: str
    provider_id: str
    authorisation: str
    amount_cents: int
    invoices: str
    payer: str


def reconciliation(organisation: Organisation, start: dt.datetime, end: dt.datetime) -> list[ReconciliationRow]:
    """Money received (online, at the counter) and refunded in [start, end), for the treasurer."""
    rows: list[ReconciliationRow] = []
    online = (
        PaymentTransaction.objects.filter(
            organisation=organisation, status=TransactionStatus.PAID, confirmed_at__gte=start, confirmed_at__lt=end
        )
        .select_related("regie")
        .prefetch_related("invoices")
        .order_by("confirmed_at", "pk")
    )
    for tx in online:
        assert tx.confirmed_at is not None
        rows.append(
            ReconciliationRow(
                "en ligne",
                tx.confirmed_at,
                tx.regie.name,
                tx.regie.numcli,
                tx.refdet,
                tx.provider_id,
                tx.provider_reference,
                tx.amount_cents,
                " ".join(sorted(i.reference for i in tx.invoices.all())),
                tx.email,
            )
        )
    counter = (
        Invoice.objects.filter(
            organisation=organisation, status=InvoiceStatus.PAID_COUNTER, paid_at__gte=start, paid_at__lt=end
        )
        .select_related("regie")
        .order_by("paid_at", "pk")
    )
    for invoice in counter:
        assert invoice.paid_at is not None
        rows.append(
            ReconciliationRow(
                f"guichet ({invoice.get_counter_method_display().lower()})",
                invoice.paid_at,
                invoice.regie.name,
                "",
                "",
                "",
                invoice.counter_note,
                invoice.amount_cents,
                invoice.reference,
                invoice.payer_name,
            )
        )
    refunds = Refund.objects.filter(
        invoice__organisation=organisation, recorded_at__gte=start, recorded_at__lt=end
    ).select_related("invoice__regie")
    for refund in refunds:
        rows.append(
            ReconciliationRow(
                "remboursement",
                refund.recorded_at,
                refund.invoice.regie.name,
                "",
                "",
                "",
                refund.method,
                -refund.amount_cents,
                refund.invoice.reference,
                refund.invoice.payer_name,
            )
        )
    return sorted(rows, key=lambda r: r.at)


@dataclass(frozen=True)
class RegieTotal:
    regie: str
    online_cents: int
    online_count: int
    counter_cents: int
    counter_count: int
    refunded_cents: int
    due_cents: int

    @property
    def net_cents(self) -> int:
        return self.online_cents + self.counter_cents - self.refunded_cents


def totals_per_regie(organisation: Organisation, start: dt.datetime, end: dt.datetime) -> list[RegieTotal]:
    """Per régie over [start, end): received online and at the counter, refunded; still due today."""
    window = Q(invoices__paid_at__gte=start, invoices__paid_at__lt=end)
    regies = (
        Regie.objects.filter(organisation=organisation)
        .annotate(
            online_cents=Sum("invoices__amount_cents", filter=window & Q(invoices__status=InvoiceStatus.PAID_ONLINE)),
            online_count=Count("invoices", filter=window & Q(invoices__status=InvoiceStatus.PAID_ONLINE)),
            counter_cents=Sum("invoices__amount_cents", filter=window & Q(invoices__status=InvoiceStatus.PAID_COUNTER)),
            counter_count=Count("invoices", filter=window & Q(invoices__status=InvoiceStatus.PAID_COUNTER)),
            due_cents=Sum(
                "invoices__amount_cents",
                filter=Q(invoices__status__in=[InvoiceStatus.TO_PAY, InvoiceStatus.OVERDUE]),
            ),
        )
        .order_by("name")
    )
    refunded = dict(
        Refund.objects.filter(invoice__organisation=organisation, recorded_at__gte=start, recorded_at__lt=end)
        .values_list("invoice__regie")
        .annotate(total=Sum("amount_cents"))
        .values_list("invoice__regie", "total")
    )
    return [
        RegieTotal(
            regie.name,
            regie.online_cents or 0,
            regie.online_count,
            regie.counter_cents or 0,  # type: ignore[attr-defined]
            regie.counter_count,
            refunded.get(regie.pk, 0) or 0,
            regie.due_cents or 0,  # type: ignore[attr-defined]
        )
        for regie in regies
    ]

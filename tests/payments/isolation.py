"""How to visit every URL of the payments app (see tests/isolation.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from parvis.payments.enums import TransactionStatus
from parvis.payments.models import Invoice, PaymentTransaction
from tests.isolation import Built, UrlCase
from tests.payments.helpers import make_invoice, make_regie

MARKER = "Cantine réservée à A"
NOTIFIED_ID = "isolationnotif0001"


def _invoice(territory: Any) -> Invoice:
    regie = make_regie(territory.commune_a, backend="dummy")
    return make_invoice(territory.commune_a, regie, reference="ISO-A-001", user=territory.citizen, subject=MARKER,
                        cents=1250)  # fmt: skip


def _transaction(
    territory: Any, *, status: str = TransactionStatus.PENDING, provider_id: str = ""
) -> PaymentTransaction:
    invoice = _invoice(territory)
    tx = PaymentTransaction.objects.create(
        organisation=territory.commune_a, regie=invoice.regie, refdet="PVISOLATIONA0001", backend="dummy",
        provider_id=provider_id, user=territory.citizen, email=territory.citizen.email, amount_cents=1250,
        status=status, confirmed_at=timezone.now() if status == TransactionStatus.PAID else None,
    )  # fmt: skip
    tx.invoices.set([invoice])
    return tx


def _my_invoices(territory: Any) -> Built:
    _invoice(territory)
    return Built(marker=MARKER)


def _my_invoice(territory: Any) -> Built:
    return Built(kwargs={"reference": _invoice(territory).reference}, marker=MARKER)


def _payment(territory: Any) -> Built:
    return Built(kwargs={"token": _transaction(territory).token}, marker="PVISOLATIONA0001")


def _paid(territory: Any) -> Built:
    return Built(kwargs={"token": _transaction(territory, status=TransactionStatus.PAID).token})


def _notified(territory: Any) -> Built:
    _transaction(territory, provider_id=NOTIFIED_ID)
    return Built()


def _bank(territory: Any) -> Built:
    _transaction(territory, provider_id=NOTIFIED_ID)
    return Built(query=f"transaction_id={NOTIFIED_ID}&amount=12.50")


def _invoice_for_agents(territory: Any) -> Built:
    return Built(kwargs={"reference": _invoice(territory).reference}, marker=MARKER)


def _list(territory: Any) -> Built:
    _invoice(territory)
    return Built(marker="ISO-A-001")


def _regie(territory: Any) -> Built:
    return Built(kwargs={"pk": make_regie(territory.commune_a, backend="payfip_ws", name="Régie réservée à A").pk},
                 marker="Régie réservée à A")  # fmt: skip


CASES = [
    UrlCase("payments:my_invoices", "citizen", build=_my_invoices),
    UrlCase("payments:pay", "citizen", build=_my_invoices, method="post", data={"invoices": ["ISO-A-001"]}),
    UrlCase("payments:my_invoice", "citizen", build=_my_invoice),
    UrlCase("payments:payment_return", "citizen", build=_payment),
    UrlCase("payments:receipt", "citizen", build=_paid),
    UrlCase(
        "payments:notification",
        "public",
        build=_notified,
        method="post",
        data={"transaction_id": NOTIFIED_ID, "signed": "1", "ok": "1", "amount": "12.50"},
        note="The provider's notification: public, paid once then replays answer 200; unknown on B's host (400).",
    ),
    UrlCase("payments:simulated_bank", "demo", build=_bank),
    UrlCase("payments:invoice_list", "agent", build=_list),
    UrlCase("payments:invoice_new", "agent"),
    UrlCase("payments:invoice_import", "agent"),
    UrlCase("payments:invoice_detail", "agent", build=_invoice_for_agents),
    UrlCase("payments:counter_payment", "agent", build=_invoice_for_agents, method="post",
            data={"guichet-method": "cash"}),
    UrlCase("payments:refund", "agent", build=_invoice_for_agents, method="post",
            data={"remboursement-amount": "1", "remboursement-method": "virement", "remboursement-reason": "x"}),
    UrlCase("payments:cancel", "agent", build=_invoice_for_agents, method="post", data={"annulation-reason": "x"}),
    UrlCase("payments:reconciliation", "agent"),
    UrlCase("payments:reconciliation_csv", "agent"),
    UrlCase("payments:regie_list", "admin"),
    UrlCase("payments:regie_edit", "admin", build=_regie),
]  # fmt: skip

"""The demo: Camille pays her canteen invoice through eopayment's dummy backend and the simulated bank."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from parvis.accounts.models import User
from parvis.demo.payments_examples import CAMILLE_INVOICE, load_payment_examples
from parvis.demo.services import load_demo
from parvis.legal.models import Acknowledgment  # noqa: F401 - case-linked acknowledgments are tested in test_fees
from parvis.notifications.models import OutboundMessage
from parvis.organisations.models import Hostname
from parvis.payments.enums import InvoiceStatus, TransactionStatus
from parvis.payments.models import Invoice, PaymentAcknowledgment, PaymentTransaction, Regie
from tests.conftest import HOST_A, logged_in


@pytest.fixture
def full_demo(db, settings):
    settings.DEMO = True
    load_demo()
    camille = User.objects.get(email="camille.martin@example.org")
    invoice = Invoice.objects.get(reference=CAMILLE_INVOICE)
    host = Hostname.objects.filter(organisation=invoice.organisation, is_primary=True).get().hostname
    return camille, invoice, host


@pytest.fixture
def demo(territory, citizen, settings):
    """Only the payment examples of the demo, in commune A (the whole demo takes long to load)."""
    settings.DEMO = True
    load_payment_examples(organisation=territory.commune_a, citizen=citizen)
    return citizen, Invoice.objects.get(reference=CAMILLE_INVOICE), HOST_A


def test_camille_pays_her_canteen_invoice_through_the_simulated_bank(full_demo):
    camille, invoice, host = full_demo
    assert invoice.user == camille and invoice.status == InvoiceStatus.TO_PAY and invoice.regie.backend == "dummy"
    assert invoice.amount_cents == 17 * 250 + 4 * 60
    load_demo()  # loading again creates nothing twice
    assert (
        Invoice.objects.filter(reference=CAMILLE_INVOICE).count() == Regie.objects.filter(slug="cantine").count() == 1
    )
    client = logged_in(camille, host, second_factor=False)
    page = client.get(reverse("payments:my_invoices")).content.decode()
    assert CAMILLE_INVOICE in page and "44,90" in page

    response = client.post(reverse("payments:pay"), {"invoices": [CAMILLE_INVOICE]})
    assert response.status_code == 302
    bank_url = response["Location"]
    assert urlsplit(bank_url).path == reverse("payments:simulated_bank")
    bank = client.get(bank_url)
    assert bank.status_code == 200
    assert "Simulation" in bank.content.decode() and "aucune somme" in bank.content.decode()

    back = client.post(bank_url, {"choice": "pay"})
    tx = PaymentTransaction.objects.get()
    assert back["Location"] == reverse("payments:payment_return", kwargs={"token": tx.token})
    assert "Paiement reçu" in client.get(back["Location"]).content.decode()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID_ONLINE
    assert PaymentAcknowledgment.objects.filter(transaction=tx).exists()
    assert OutboundMessage.objects.filter(event="payment.acknowledgment", to=camille.email).count() == 1
    receipt = client.get(reverse("payments:receipt", kwargs={"token": tx.token}))
    assert receipt.content.startswith(b"%PDF")

    # Replaying the dummy backend's notification changes nothing.
    notification = urlencode({"transaction_id": tx.provider_id, "signed": "1", "ok": "1", "amount": "44.90"})
    for _ in range(2):
        replay = Client(HTTP_HOST=host).post(
            "/paiements/notification/", notification, content_type="application/x-www-form-urlencoded"
        )
        assert replay.status_code == 200 and replay.content == b"replayed"
    assert OutboundMessage.objects.filter(event="payment.acknowledgment").count() == 1


def test_a_refusal_at_the_simulated_bank_leaves_the_invoice_to_pay(demo):
    camille, invoice, host = demo
    client = logged_in(camille, host, second_factor=False)
    bank_url = client.post(reverse("payments:pay"), {"invoices": [CAMILLE_INVOICE]})["Location"]
    client.post(bank_url, {"choice": "refuse"})
    assert PaymentTransaction.objects.get().status == TransactionStatus.DENIED
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.TO_PAY


def test_an_unsigned_or_tampered_dummy_notification_is_refused(demo):
    camille, invoice, host = demo
    client = logged_in(camille, host, second_factor=False)
    client.post(reverse("payments:pay"), {"invoices": [CAMILLE_INVOICE]})
    tx = PaymentTransaction.objects.get()
    anonymous = Client(HTTP_HOST=host)
    unsigned = urlencode({"transaction_id": tx.provider_id, "ok": "1", "amount": "44.90"})
    assert anonymous.post("/paiements/notification/", unsigned, content_type="text/plain").status_code == 400
    cheaper = urlencode({"transaction_id": tx.provider_id, "signed": "1", "ok": "1", "amount": "0.01"})
    assert anonymous.post("/paiements/notification/", cheaper, content_type="text/plain").status_code == 400
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.TO_PAY


def test_the_simulated_bank_does_not_exist_outside_the_demo(demo, settings):
    camille, _, host = demo
    client = logged_in(camille, host, second_factor=False)
    bank_url = client.post(reverse("payments:pay"), {"invoices": [CAMILLE_INVOICE]})["Location"]
    settings.DEMO = False
    assert client.get(bank_url).status_code == 404


def test_the_dummy_backend_cannot_be_configured_in_production(territory, admin_a, settings):
    settings.DEMO = settings.DEBUG = False
    client = logged_in(admin_a, "commune-a.localhost")
    response = client.post(
        reverse("payments:regie_list"),
        {"nouvelle-name": "Cantine", "nouvelle-slug": "cantine", "nouvelle-kind": "canteen",
         "nouvelle-backend": "dummy", "nouvelle-pending_minutes": "20", "nouvelle-is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "uniquement en démonstration" in response.content.decode() or "qu&#x27;en démonstration" in (
        response.content.decode()
    )
    assert not Regie.objects.exists()

"""Online payment through PayFiP's web service (eopayment ``payfip_ws``) against the local test double."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import time_machine
from django.core import mail  # noqa: F401 - the outbox is the notifications app's business
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parvis.audit.models import AuditEvent
from parvis.notifications.models import OutboundMessage
from parvis.payments import services
from parvis.payments.enums import InvoiceStatus, NotificationOutcome, TransactionStatus
from parvis.payments.models import PaymentAcknowledgment, PaymentTransaction, ProviderNotification
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.payments.helpers import make_invoice

NOTIFY = "/paiements/notification/"


def _pay(client: Client, *references: str):
    return client.post(reverse("payments:pay"), {"invoices": list(references)})


def _notify(idop: str, host: str = HOST_A):
    client = Client(HTTP_HOST=host, enforce_csrf_checks=True)
    return client.post(NOTIFY, f"idOp={idop}", content_type="application/x-www-form-urlencoded")


@pytest.fixture
def started(territory, citizen, regie_a, payfip):
    invoice = make_invoice(territory.commune_a, regie_a, user=citizen)
    client = logged_in(citizen, HOST_A)
    response = _pay(client, invoice.reference)
    return invoice, client, response


def test_paying_sends_the_citizen_to_payfip_with_the_invoice_amount_in_cents(started, payfip):
    invoice, _, response = started
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://www.payfip.gouv.fr/tpa/paiementws.web"
    idop = parse_qs(url.query)["idop"][0]
    name, sent = payfip.calls[0]
    assert name == "creerPaiementSecurise"
    assert sent["montant"] == "4250" and sent["numcli"] == "123456" and sent["saisie"] == "T"
    assert sent["mel"] == "camille@example.org"
    assert sent["urlnotif"].startswith("http://commune-a.localhost") and sent["urlnotif"].endswith(
        "/paiements/notification/"
    )
    tx = PaymentTransaction.objects.get()
    assert tx.provider_id == idop and tx.refdet == sent["refdet"] and tx.status == TransactionStatus.PENDING
    assert sent["urlredirect"].endswith(f"/mon-espace/paiements/{tx.token}/")
    assert list(tx.invoices.all()) == [invoice]


def test_a_paid_notification_settles_the_invoice_and_sends_the_acknowledgment_once(started, payfip):
    invoice, _, _ = started
    payfip.payer(payfip.last.idop, "P")
    response = _notify(payfip.last.idop)
    assert response.status_code == 200 and response.content == b"applied"
    invoice.refresh_from_db()
    tx = PaymentTransaction.objects.get()
    assert invoice.status == InvoiceStatus.PAID_ONLINE and invoice.paid_transaction == tx
    assert tx.status == TransactionStatus.PAID and tx.provider_reference == payfip.last.numauto
    ack = PaymentAcknowledgment.objects.get(transaction=tx)
    assert {m["key"] for m in ack.mentions} >= {"date", "amount", "object", "reference", "transaction"}
    message = OutboundMessage.objects.get(event="payment.acknowledgment")
    assert message.to == "camille@example.org"
    assert "42,50" in message.body_text and tx.provider_id in message.body_text and tx.refdet in message.body_text
    assert message.attachments and message.attachments[0]["name"].endswith(".pdf")

    # PayFiP notifies again, or someone replays the notification: nothing changes.
    for _ in range(2):
        replay = _notify(payfip.last.idop)
        assert replay.status_code == 200 and replay.content == b"replayed"
    assert PaymentAcknowledgment.objects.count() == 1
    assert OutboundMessage.objects.filter(event="payment.acknowledgment").count() == 1
    assert AuditEvent.objects.filter(action="payments.payment_paid").count() == 1
    outcomes = list(ProviderNotification.objects.order_by("pk").values_list("outcome", flat=True))
    assert outcomes == [NotificationOutcome.APPLIED, NotificationOutcome.REPLAYED, NotificationOutcome.REPLAYED]


def test_the_return_page_asks_payfip_and_ignores_its_query_string(started, payfip):
    _, client, _ = started
    tx = PaymentTransaction.objects.get()
    url = reverse("payments:payment_return", kwargs={"token": tx.token})
    # Not paid yet at PayFiP (fault P5): forged parameters do not make it paid.
    response = client.get(url + f"?idop={tx.provider_id}&resultrans=P&montant=4250")
    assert response.status_code == 200
    assert "Paiement en cours de confirmation" in response.content.decode()
    tx.refresh_from_db()
    assert tx.status == TransactionStatus.PENDING
    # Paid at PayFiP, notification lost: the return page's own check settles it.
    payfip.payer(tx.provider_id, "P")
    response = client.get(url)
    assert "Paiement reçu" in response.content.decode()
    assert [name for name, _ in payfip.calls].count("recupererDetailPaiementSecurise") == 2
    tx.refresh_from_db()
    assert tx.status == TransactionStatus.PAID
    receipt = client.get(reverse("payments:receipt", kwargs={"token": tx.token}))
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")


def test_a_refused_card_leaves_the_invoice_to_pay(started, payfip):
    invoice, client, _ = started
    payfip.payer(payfip.last.idop, "R")
    assert _notify(payfip.last.idop).status_code == 200
    tx = PaymentTransaction.objects.get()
    invoice.refresh_from_db()
    assert tx.status == TransactionStatus.DENIED and invoice.status == InvoiceStatus.TO_PAY
    page = client.get(reverse("payments:payment_return", kwargs={"token": tx.token})).content.decode()
    assert "Paiement non abouti" in page
    # The citizen can try again at once: a new attempt, a new idOp.
    assert _pay(client, invoice.reference).status_code == 302
    assert PaymentTransaction.objects.count() == 2


def test_an_abandoned_payment_is_recorded_as_abandoned(started, payfip):
    invoice, _, _ = started
    # PayFiP keeps an abandonment "in progress" for two minutes (eopayment waits before believing it).
    payfip.payer(payfip.last.idop, "A", at=timezone.now() - dt.timedelta(minutes=5))
    assert _notify(payfip.last.idop).status_code == 200
    assert PaymentTransaction.objects.get().status == TransactionStatus.CANCELLED
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.TO_PAY


def test_a_fresh_abandonment_keeps_the_payment_pending(started, payfip):
    payfip.payer(payfip.last.idop, "A")
    assert _notify(payfip.last.idop).content == b"waiting"
    assert PaymentTransaction.objects.get().status == TransactionStatus.PENDING


def test_a_payment_never_concluded_expires_after_twenty_minutes(started, payfip):
    invoice, client, _ = started
    tx = PaymentTransaction.objects.get()
    assert services.recheck_pending(now=timezone.now() + dt.timedelta(minutes=5)) == {"checked": 1, "expired": 0}
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=21)):
        assert services.recheck_pending() == {"checked": 1, "expired": 1}
    tx.refresh_from_db()
    assert tx.status == TransactionStatus.EXPIRED
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.TO_PAY
    assert AuditEvent.objects.filter(action="payments.payment_expired").count() == 1


def test_an_idop_purged_by_payfip_is_expired(started, payfip):
    tx = PaymentTransaction.objects.get()
    payfip.purge(tx.provider_id)
    services.recheck_pending(now=timezone.now() + dt.timedelta(minutes=3))
    tx.refresh_from_db()
    assert tx.status == TransactionStatus.EXPIRED


def test_the_periodic_check_settles_a_payment_whose_notification_was_lost(started, payfip):
    invoice, _, _ = started
    payfip.payer(payfip.last.idop, "P")
    services.recheck_pending(now=timezone.now() + dt.timedelta(minutes=3))
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID_ONLINE


def test_a_second_attempt_is_refused_while_one_is_pending(started):
    invoice, client, _ = started
    response = _pay(client, invoice.reference)
    assert response.status_code == 302 and response["Location"] == reverse("payments:my_invoices")
    assert "déjà en cours" in client.get(response["Location"]).content.decode()
    assert PaymentTransaction.objects.count() == 1


def test_a_tampered_amount_is_refused_and_flagged(started, payfip):
    invoice, _, _ = started
    payfip.payer(payfip.last.idop, "P")
    payfip.tamper(payfip.last.idop, "100")
    response = _notify(payfip.last.idop)
    assert response.status_code == 400 and response.content == b"tampered"
    tx = PaymentTransaction.objects.get()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.TO_PAY
    assert tx.status == TransactionStatus.ERROR and "différent" in tx.anomaly
    assert not PaymentAcknowledgment.objects.exists()
    assert AuditEvent.objects.filter(action="payments.amount_mismatch").exists()


def test_an_unknown_notification_is_logged_and_refused(territory, payfip):
    response = _notify("inconnu123")
    assert response.status_code == 400 and response.content == b"unknown"
    logged = ProviderNotification.objects.get()
    assert logged.outcome == NotificationOutcome.UNKNOWN and logged.transaction is None
    assert not payfip.calls


def test_a_notification_on_another_communes_host_does_not_find_the_payment(started, payfip):
    payfip.payer(payfip.last.idop, "P")
    assert _notify(payfip.last.idop, host=HOST_B).status_code == 400
    assert PaymentTransaction.objects.get().status == TransactionStatus.PENDING


def test_an_unreadable_notification_is_refused(territory):
    response = Client(HTTP_HOST=HOST_A).post(NOTIFY, "bonjour=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert ProviderNotification.objects.get().outcome == NotificationOutcome.INVALID


def test_several_invoices_of_one_regie_are_paid_at_once(territory, citizen, regie_a, payfip):
    first = make_invoice(territory.commune_a, regie_a, user=citizen, reference="CANT-1", cents=1000)
    second = make_invoice(territory.commune_a, regie_a, user=citizen, reference="CANT-2", cents=2550)
    client = logged_in(citizen, HOST_A)
    assert _pay(client, "CANT-1", "CANT-2").status_code == 302
    assert payfip.calls[0][1]["montant"] == "3550"
    payfip.payer(payfip.last.idop, "V")
    _notify(payfip.last.idop)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == InvoiceStatus.PAID_ONLINE


def test_payfip_unreachable_gives_a_clear_error_and_no_pending_payment(territory, citizen, regie_a, monkeypatch):
    def unreachable(session, request, **kwargs):
        raise requests.ConnectionError("PayFiP injoignable")

    monkeypatch.setattr(requests.Session, "send", unreachable)
    invoice = make_invoice(territory.commune_a, regie_a, user=citizen)
    client = logged_in(citizen, HOST_A)
    response = _pay(client, invoice.reference)
    assert response.status_code == 302
    assert "pas pu être joint" in client.get(response["Location"]).content.decode()
    assert PaymentTransaction.objects.get().status == TransactionStatus.ERROR

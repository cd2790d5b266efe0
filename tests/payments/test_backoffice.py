"""Agents' side: invoice list and filters, new invoice, CSV import, counter payments, refunds, reconciliation."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from parvis.notifications.models import OutboundMessage
from parvis.payments import services
from parvis.payments.enums import CounterMethod, InvoiceStatus, TransactionStatus
from parvis.payments.models import Invoice, PaymentTransaction
from tests.conftest import HOST_A, logged_in
from tests.payments.helpers import make_invoice, make_regie

HEADER = "reference;regie;nom;courriel;objet;date_emission;date_echeance;libelle;quantite;prix_unitaire\n"
GOOD = (
    "F-100;cantine;Camille Martin;camille@example.org;Cantine janvier;02/01/2026;31/01/2026;Repas;12;3,20\n"
    "F-100;cantine;Camille Martin;camille@example.org;Cantine janvier;02/01/2026;31/01/2026;Goûter;4;0,60\n"
    "F-101;cantine;Sam Durand;;Cantine janvier;02/01/2026;31/01/2026;Repas;8;3,20\n"
)
TWO_BAD = (
    "F-200;cantine;Camille Martin;camille@example.org;Cantine février;01/02/2026;28/02/2026;Repas;10;3,20\n"
    "F-201;piscine;Sam Durand;sam@example.org;Piscine;01/02/2026;28/02/2026;Entrées;2;4,00\n"
    "F-202;cantine;Léa Petit;lea@example.org;Cantine février;01/02/2026;31/02/2026;Repas;3;3,2O\n"
    "F-203;cantine;Noé Roux;noe@example.org;Cantine février;01/02/2026;28/02/2026;Repas;5;3,20\n"
)


def _upload(client, text: str):
    upload = SimpleUploadedFile("factures.csv", text.encode("utf-8"), content_type="text/csv")
    return client.post(reverse("payments:invoice_import"), {"file": upload})


def test_an_invoice_file_is_imported_with_its_multi_line_invoices(territory, agent_a, regie_a):
    response = _upload(logged_in(agent_a, HOST_A), HEADER + GOOD)
    assert response.status_code == 302
    first = Invoice.objects.get(reference="F-100")
    assert first.amount_cents == 12 * 320 + 4 * 60 and first.lines.count() == 2
    assert first.due_on == dt.date(2026, 1, 31) and first.source == "import"
    assert Invoice.objects.get(reference="F-101").payer_email == ""
    assert OutboundMessage.objects.filter(event="payment.invoice_issued").count() == 1  # only F-100 has an email


def test_a_file_with_two_bad_lines_imports_nothing_and_lists_both(territory, agent_a, regie_a):
    response = _upload(logged_in(agent_a, HOST_A), HEADER + TWO_BAD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Aucune facture importée" in page
    assert "régie « piscine » inconnue" in page
    assert "date d&#x27;échéance invalide « 31/02/2026 »" in page and "prix unitaire invalide « 3,2O »" in page
    assert "<td>3</td><td>F-201</td>" in page and "<td>4</td><td>F-202</td>" in page
    assert not Invoice.objects.exists()


def test_a_file_importing_an_existing_reference_is_refused(territory, agent_a, regie_a):
    make_invoice(territory.commune_a, regie_a, reference="F-101")
    report = services.import_invoices(organisation=territory.commune_a, content=(HEADER + GOOD).encode(), actor=agent_a)
    assert not report.imported and report.errors == [(4, "F-101", "une facture porte déjà cette référence")]
    assert Invoice.objects.count() == 1


def test_a_file_without_the_expected_columns_is_refused_clearly(territory, agent_a, regie_a):
    report = services.import_invoices(organisation=territory.commune_a, content=b"ref;montant\nA;1\n", actor=agent_a)
    assert not report.imported and "Colonnes manquantes" in report.errors[0][2]


def test_the_invoice_list_filters_and_keeps_a_bounded_number_of_queries(
    territory, agent_a, regie_a, django_assert_max_num_queries
):
    other = make_regie(territory.commune_a, slug="creche", name="Crèche", backend="payfip_ws")
    for n in range(30):
        make_invoice(territory.commune_a, regie_a if n % 2 else other, reference=f"L-{n:03d}")
    make_invoice(territory.commune_b, make_regie(territory.commune_b), reference="B-SECRET")
    client = logged_in(agent_a, HOST_A)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("payments:invoice_list"))
    page = response.content.decode()
    assert "30 factures" in page and "B-SECRET" not in page
    with django_assert_max_num_queries(14):
        response = client.get(reverse("payments:invoice_list"), {"regie": other.pk, "q": "L-00"})
    page = response.content.decode()
    assert "L-000" in page and "L-001" not in page


def test_an_agent_issues_an_invoice_with_lines(territory, agent_a, regie_a, citizen):
    client = logged_in(agent_a, HOST_A)
    today = timezone.localdate()
    data = {
        "regie": regie_a.pk, "reference": "SALLE-7", "payer_name": "Asso des fêtes", "payer_email": citizen.email,
        "subject": "Location salle polyvalente", "issued_on": today.isoformat(),
        "due_on": (today + dt.timedelta(days=15)).isoformat(),
        "lignes-TOTAL_FORMS": "3", "lignes-INITIAL_FORMS": "0",
        "lignes-0-label": "Salle, samedi", "lignes-0-quantity": "1", "lignes-0-unit": "150,00",
        "lignes-1-label": "Ménage", "lignes-1-quantity": "1", "lignes-1-unit": "35",
    }  # fmt: skip
    response = client.post(reverse("payments:invoice_new"), data)
    assert response.status_code == 302
    invoice = Invoice.objects.get(reference="SALLE-7")
    assert invoice.amount_cents == 18500 and invoice.user == citizen


def test_a_bad_amount_keeps_what_was_typed_with_a_clear_error(territory, agent_a, regie_a):
    client = logged_in(agent_a, HOST_A)
    data = {
        "regie": regie_a.pk, "reference": "X-1", "payer_name": "A", "subject": "B", "issued_on": "2026-01-01",
        "due_on": "2026-01-31", "lignes-TOTAL_FORMS": "3", "lignes-INITIAL_FORMS": "0",
        "lignes-0-label": "Repas", "lignes-0-quantity": "1", "lignes-0-unit": "douze",
    }  # fmt: skip
    response = client.post(reverse("payments:invoice_new"), data)
    page = response.content.decode()
    assert response.status_code == 200 and "Montant invalide" in page and 'value="douze"' in page
    assert not Invoice.objects.exists()


def test_a_counter_payment_by_cheque_needs_its_number_and_settles_the_invoice(territory, agent_a, regie_a):
    invoice = make_invoice(territory.commune_a, regie_a)
    client = logged_in(agent_a, HOST_A)
    url = reverse("payments:counter_payment", kwargs={"reference": invoice.reference})
    client.post(url, {"guichet-method": CounterMethod.CHEQUE, "guichet-note": ""})
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.TO_PAY
    client.post(url, {"guichet-method": CounterMethod.CHEQUE, "guichet-note": "n° 1234567"})
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID_COUNTER and invoice.counter_recorded_by == agent_a
    assert invoice.counter_note == "n° 1234567"


def test_a_counter_payment_is_refused_while_an_online_payment_is_pending(territory, agent_a, regie_a, citizen, payfip):
    invoice = make_invoice(territory.commune_a, regie_a, user=citizen)
    logged_in(citizen, HOST_A).post(reverse("payments:pay"), {"invoices": [invoice.reference]})
    try:
        services.record_counter_payment(invoice=invoice, method=CounterMethod.CASH, actor=agent_a)
    except services.PaymentError as exc:
        assert "en cours" in str(exc)
    else:
        raise AssertionError("counter payment accepted during an online payment")


def test_an_online_payment_arriving_after_a_counter_payment_is_flagged_for_refund(
    territory, agent_a, regie_a, citizen, payfip
):
    invoice = make_invoice(territory.commune_a, regie_a, user=citizen)
    logged_in(citizen, HOST_A).post(reverse("payments:pay"), {"invoices": [invoice.reference]})
    tx = PaymentTransaction.objects.get()
    PaymentTransaction.objects.filter(pk=tx.pk).update(status=TransactionStatus.EXPIRED)
    services.record_counter_payment(invoice=invoice, method=CounterMethod.CASH, actor=agent_a)
    payfip.payer(tx.provider_id, "P")
    services.handle_notification(organisation=territory.commune_a, payload=f"idOp={tx.provider_id}")
    tx.refresh_from_db()
    invoice.refresh_from_db()
    assert tx.status == TransactionStatus.PAID and "rembourser" in tx.anomaly
    assert invoice.status == InvoiceStatus.PAID_COUNTER


def test_refunds_never_exceed_what_was_paid(territory, agent_a, regie_a):
    invoice = make_invoice(territory.commune_a, regie_a, cents=3000)
    services.record_counter_payment(invoice=invoice, method=CounterMethod.CASH, actor=agent_a)
    services.record_refund(invoice=invoice, amount_cents=1000, reason="Absence", method="virement", actor=agent_a)
    try:
        services.record_refund(invoice=invoice, amount_cents=2001, reason="x", method="virement", actor=agent_a)
    except services.PaymentError as exc:
        assert "20,00" in str(exc)
    else:
        raise AssertionError("refund above the amount paid accepted")


def test_an_elected_official_sees_invoices_but_records_no_payment(territory, regie_a):
    from parvis.accounts.enums import Role
    from tests.factories import MembershipFactory, UserFactory

    elected = UserFactory(email="elu@commune-a.test")
    MembershipFactory(user=elected, organisation=territory.commune_a, role=Role.ELECTED)
    invoice = make_invoice(territory.commune_a, regie_a)
    client = logged_in(elected, HOST_A)
    assert client.get(reverse("payments:invoice_detail", kwargs={"reference": invoice.reference})).status_code == 200
    url = reverse("payments:counter_payment", kwargs={"reference": invoice.reference})
    assert client.post(url, {"guichet-method": "cash"}).status_code == 403


def test_the_reconciliation_export_lists_payfip_ids_dates_and_amounts(territory, agent_a, regie_a, citizen, payfip):
    paid_online = make_invoice(territory.commune_a, regie_a, user=citizen, reference="R-1", cents=1250)
    at_counter = make_invoice(territory.commune_a, regie_a, reference="R-2", cents=800)
    logged_in(citizen, HOST_A).post(reverse("payments:pay"), {"invoices": [paid_online.reference]})
    tx = PaymentTransaction.objects.get()
    payfip.payer(tx.provider_id, "P")
    services.handle_notification(organisation=territory.commune_a, payload=f"idOp={tx.provider_id}")
    services.record_counter_payment(invoice=at_counter, method=CounterMethod.CASH, actor=agent_a)
    services.record_refund(invoice=at_counter, amount_cents=300, reason="Trop perçu", method="virement", actor=agent_a)
    today = timezone.localdate().isoformat()
    client = logged_in(agent_a, HOST_A)
    response = client.get(reverse("payments:reconciliation_csv"), {"start": today, "end": today})
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0] == "date;heure;type;regie;numcli;refdet;idop;numauto;montant;factures;payeur"
    online = next(line for line in lines if line.split(";")[2] == "en ligne").split(";")
    assert online[4:9] == ["123456", tx.refdet, tx.provider_id, payfip.last.numauto, "12,50"]
    assert any(";guichet (espèces);" in line and ";8,00;R-2;" in line for line in lines)
    assert any(";remboursement;" in line and ";-3,00;R-2;" in line for line in lines)
    page = client.get(reverse("payments:reconciliation"), {"start": today, "end": today}).content.decode()
    assert "17,50" in page  # net: 12,50 + 8,00 - 3,00


def test_overdue_invoices_are_marked_and_reminders_are_sent_once(territory, regie_a, citizen):
    soon = make_invoice(territory.commune_a, regie_a, user=citizen, reference="SOON", due_in_days=3)
    late = make_invoice(territory.commune_a, regie_a, user=citizen, reference="LATE", due_in_days=1)
    far = make_invoice(territory.commune_a, regie_a, user=citizen, reference="FAR", due_in_days=20)
    assert services.mark_overdue(today=timezone.localdate() + dt.timedelta(days=2)) == 1
    late.refresh_from_db()
    assert late.status == InvoiceStatus.OVERDUE
    assert services.send_reminders() == 2  # SOON before its due date, LATE overdue
    assert services.send_reminders() == 0
    events = sorted(OutboundMessage.objects.values_list("event", flat=True))
    assert events == ["payment.invoice_overdue", "payment.invoice_reminder"]
    far.refresh_from_db()
    soon.refresh_from_db()
    assert far.reminded_before_at is None and soon.reminded_before_at is not None


def test_amounts_are_converted_without_floats():
    from parvis.payments.backends import cents_from_decimal, euros

    assert euros(5) == "0.05" and euros(123456) == "1234.56"
    assert cents_from_decimal("0,1") == 10 and cents_from_decimal("19.99") == 1999
    assert cents_from_decimal("1.005") is None and cents_from_decimal("abc") is None


def test_a_refused_refund_shows_its_errors_beside_the_fields_and_keeps_what_was_typed(territory, agent_a, regie_a):
    invoice = make_invoice(territory.commune_a, regie_a)
    services.record_counter_payment(invoice=invoice, method=CounterMethod.CASH, actor=agent_a)
    client = logged_in(agent_a, HOST_A)
    url = reverse("payments:refund", kwargs={"reference": invoice.reference})
    response = client.post(
        url, {"remboursement-amount": "douze", "remboursement-method": "virement", "remboursement-reason": "Erreur"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'aria-describedby="' in page and 'value="douze"' in page and 'value="virement"' in page
    assert not invoice.refunds.exists()


def test_a_counter_payment_refused_by_the_rules_is_explained_on_the_form(territory, agent_a, regie_a):
    invoice = make_invoice(territory.commune_a, regie_a)
    services.cancel_invoice(invoice=invoice, reason="Doublon", actor=agent_a)
    client = logged_in(agent_a, HOST_A)
    url = reverse("payments:counter_payment", kwargs={"reference": invoice.reference})
    response = client.post(url, {"guichet-method": CounterMethod.CHEQUE, "guichet-note": "n° 42"})
    assert response.status_code == 400 and "n&#x27;est pas à payer" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CANCELLED

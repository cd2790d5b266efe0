"""Payments in a real Chromium: Camille pays her canteen invoice on a phone through the demo's simulated
bank and gets her receipt; an agent lists the invoices at a desk and records a payment at the counter.
Every page: screenshot, no console error, no serious axe violation."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from django.utils import timezone

from parvis.accounts.models import TOTPDevice, User
from parvis.demo.payments_examples import CAMILLE_INVOICE, load_payment_examples
from parvis.payments.enums import InvoiceStatus
from parvis.payments.models import Invoice, PaymentTransaction
from tests.browser.conftest import Visit
from tests.browser.test_accounts_pages import log_in, pass_second_factor
from tests.payments.helpers import make_invoice

pytestmark = pytest.mark.browser
AMOUNT = re.compile(r"44,90\s€")


def _no_sideways_scroll(visit: Visit) -> None:
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{visit.page.url} is {overflow}px wider than the screen"


@pytest.fixture
def agent_totp(agent_a: User) -> str:
    """The agent's confirmed second factor (back-office pages need it); returns its secret."""
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=agent_a, secret=secret, confirmed_at=timezone.now())
    return secret


@pytest.fixture
def demo_payments(territory: Any, citizen: User, settings: Any, commune_a_url: str) -> Invoice:
    """The demo's canteen régie (eopayment's dummy backend) and Camille's invoice, in commune A.

    The simulated bank exists only in demo mode; the payment's return address is built on the
    organisation's host with PARVIS_URL_PORT, which must be the live server's port."""
    settings.DEMO = True
    settings.PARVIS_URL_PORT = commune_a_url.rsplit(":", 1)[1]
    load_payment_examples(organisation=territory.commune_a, citizen=citizen)
    return Invoice.objects.get(reference=CAMILLE_INVOICE)


def test_camille_pays_her_canteen_invoice_on_a_phone_and_downloads_the_receipt(
    phone: Visit, citizen: User, demo_payments: Invoice
) -> None:
    page = phone.page
    log_in(phone, citizen)
    page.wait_for_url(lambda url: "/compte/connexion/" not in url)
    phone.goto("/mon-espace/factures/")
    to_pay = page.get_by_role("group", name="Factures à payer")
    assert to_pay.get_by_text(AMOUNT).count() == 1
    _no_sideways_scroll(phone)
    phone.check("payments-my-invoices-phone")

    page.get_by_role("link", name=f"Détail de la facture {CAMILLE_INVOICE}").click()
    page.wait_for_url(re.compile(rf"/mon-espace/factures/{CAMILLE_INVOICE}/$"))
    assert page.get_by_role("table", name="Détail de la facture").get_by_role("row").count() == 3
    _no_sideways_scroll(phone)
    phone.check("payments-invoice-phone")
    page.go_back()

    page.get_by_label(re.compile("Restauration scolaire")).check()
    page.get_by_role("button", name="Payer les factures cochées").click()
    page.wait_for_url(re.compile(r"/paiements/banque-simulee/\?"))
    assert page.get_by_role("heading", level=1).inner_text() == "Banque simulée — démonstration"
    assert page.get_by_text("aucune somme n'est prélevée").count() == 1
    _no_sideways_scroll(phone)
    phone.check("payments-simulated-bank-phone")

    page.get_by_role("button", name=re.compile(r"^Payer 44,90\s€ \(simulation\)$")).click()
    page.wait_for_url(re.compile(r"/mon-espace/paiements/[0-9a-f-]+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Paiement reçu"
    assert page.get_by_role("status").get_by_text(AMOUNT).count() == 1
    tx = PaymentTransaction.objects.get()
    demo_payments.refresh_from_db()
    assert demo_payments.status == InvoiceStatus.PAID_ONLINE and demo_payments.paid_transaction == tx
    _no_sideways_scroll(phone)
    phone.check("payments-return-paid-phone")

    receipt = page.get_by_role("link", name="Télécharger le reçu (PDF)")
    # Fetched by the page itself (Playwright's own request client does not resolve *.localhost).
    status, kind, start = page.evaluate(
        """async (url) => {
            const answer = await fetch(url);
            const bytes = new Uint8Array(await answer.arrayBuffer());
            return [answer.status, answer.headers.get("content-type"), String.fromCharCode(...bytes.slice(0, 4))];
        }""",
        receipt.get_attribute("href"),
    )
    assert (status, kind, start) == (200, "application/pdf", "%PDF")

    page.get_by_role("link", name="Retour à mes factures").click()
    page.wait_for_url(re.compile(r"/mon-espace/factures/$"))
    assert page.get_by_text("Vous n'avez aucune facture à payer.").count() == 1
    history = page.get_by_role("table", name=re.compile("Paiements en ligne"))
    assert history.get_by_role("link", name=f"Reçu {tx.refdet} (PDF)").count() == 1
    _no_sideways_scroll(phone)
    phone.check("payments-my-invoices-paid-phone")


def test_an_agent_lists_the_invoices_and_records_a_counter_payment_at_a_desk_and_on_a_phone(
    desk: Visit, phone: Visit, territory: Any, agent_a: User, agent_totp: str, demo_payments: Invoice
) -> None:
    counter = make_invoice(
        territory.commune_a, demo_payments.regie, reference="CANT-2026-0002", email="dominique@example.org"
    )
    log_in(desk, agent_a)
    pass_second_factor(desk, agent_totp)
    desk.goto("/backoffice/factures/")
    invoices = desk.page.get_by_role("table", name="2 factures")
    assert invoices.get_by_role("link", name=CAMILLE_INVOICE).count() == 1
    assert invoices.get_by_role("link", name=counter.reference).count() == 1
    desk.check("payments-invoice-list-desk")

    desk.page.get_by_label("État").select_option(label="À payer")
    desk.page.get_by_role("button", name="Filtrer").click()
    desk.page.wait_for_url(re.compile(r"/backoffice/factures/\?"))
    assert desk.page.get_by_role("table", name="2 factures").count() == 1

    invoices.get_by_role("link", name=counter.reference).click()
    desk.page.wait_for_url(re.compile(rf"/backoffice/factures/{counter.reference}/$"))
    desk.check("payments-invoice-detail-desk")
    desk.page.get_by_label("Espèces", exact=True).check()
    desk.page.get_by_role("button", name=re.compile(r"^Enregistrer le paiement de")).click()
    desk.page.wait_for_url(re.compile(rf"/backoffice/factures/{counter.reference}/$"))
    counter.refresh_from_db()
    assert counter.status == InvoiceStatus.PAID_COUNTER
    assert desk.page.get_by_text("Paiement au guichet enregistré.").count() == 1
    assert desk.page.get_by_text(re.compile(r"au guichet \(espèces\)")).count() == 1
    assert desk.page.get_by_role("heading", name="Enregistrer un remboursement").count() == 1
    desk.check("payments-invoice-paid-counter-desk")

    # The same session on a phone: the list stays within the screen.
    phone.page.context.add_cookies(desk.page.context.cookies())
    phone.goto("/backoffice/factures/")
    assert phone.page.get_by_role("table", name="2 factures").count() == 1
    _no_sideways_scroll(phone)
    phone.check("payments-invoice-list-phone")

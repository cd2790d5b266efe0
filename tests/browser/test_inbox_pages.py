"""Received emails in a real Chromium: an agent opens the tray, reads a message waiting to be
qualified and turns it into a case; the same pages on a phone. Every page: screenshot, no console
error, no serious axe violation."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from django.utils import timezone

from parvis.accounts.models import TOTPDevice, User
from parvis.cases.enums import Channel
from parvis.inbox.enums import MessageStatus, Source
from parvis.inbox.services import ingest_message
from tests.browser.conftest import Visit
from tests.browser.test_accounts_pages import log_in, pass_second_factor
from tests.factories import published_procedure
from tests.inbox.helpers import PDF, address, email_bytes

pytestmark = pytest.mark.browser


def _no_sideways_scroll(visit: Visit) -> None:
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{visit.page.url} is {overflow}px wider than the screen"


@pytest.fixture
def agent_totp(agent_a: User) -> str:
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=agent_a, secret=secret, confirmed_at=timezone.now())
    return secret


@pytest.fixture
def waiting_email(territory: Any, admin_a: User) -> Any:
    inbound = address(territory.commune_a, procedure=None)
    published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a, slug="contact",
                        title="Contacter la mairie")  # fmt: skip
    ingest_message(
        raw=email_bytes(subject="Vacances", headers={"Auto-Submitted": "auto-replied"}),
        source=Source.WEBHOOK,
        address=inbound,
    )
    raw = email_bytes(
        subject="Lampadaire éteint rue des Lilas",
        text="Bonjour,\nLe lampadaire devant le 14 est éteint depuis trois jours.\n<b>Merci</b>",
        attachments=(("photo-lampadaire.pdf", "application/pdf", PDF),),
    )
    return ingest_message(raw=raw, source=Source.WEBHOOK, address=inbound).message


def test_an_agent_qualifies_an_email_from_the_tray(
    desk: Visit, phone: Visit, agent_a: User, agent_totp: str, waiting_email: Any
) -> None:
    page = desk.page
    log_in(desk, agent_a)
    pass_second_factor(desk, agent_totp)
    desk.goto("/backoffice/courriels/")
    assert page.get_by_text("1 courriel à qualifier").count() == 1
    desk.check("inbox-tray-desk")

    page.locator("tbody a").first.click()
    page.wait_for_url(re.compile(r"/backoffice/courriels/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Lampadaire éteint rue des Lilas"
    assert page.locator("pre.inbox-body").inner_text().endswith("<b>Merci</b>")  # shown as text
    assert page.get_by_role("link", name="photo-lampadaire.pdf").count() == 1
    desk.check("inbox-message-desk")

    phone.page.context.add_cookies(page.context.cookies())
    phone.goto("/backoffice/courriels/")
    _no_sideways_scroll(phone)
    phone.check("inbox-tray-phone")
    phone.goto(f"/backoffice/courriels/{waiting_email.pk}/")
    _no_sideways_scroll(phone)
    phone.check("inbox-message-phone")

    page.get_by_label(re.compile(r"^Démarche")).select_option(label="Contacter la mairie")
    page.get_by_role("button", name="Créer la demande").click()
    page.wait_for_url(re.compile(r"/backoffice/demandes/[^/]+/$"))
    waiting_email.refresh_from_db()
    assert waiting_email.status == MessageStatus.CASE_CREATED and waiting_email.case.channel == Channel.EMAIL
    assert page.get_by_text(f"Demande {waiting_email.case.reference} créée à partir du courriel").count() == 1
    desk.check("inbox-case-created-desk")

    desk.goto(f"/backoffice/courriels/{waiting_email.pk}/")
    assert page.get_by_role("link", name=waiting_email.case.reference).count() == 1
    assert page.get_by_role("heading", name="Créer une demande").count() == 0
    desk.check("inbox-message-qualified-desk")

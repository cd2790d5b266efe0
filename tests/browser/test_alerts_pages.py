"""Area alerts in a real Chromium: a resident subscribes on a phone (390 px) with the keyboard only,
the form explains a mistake beside the field, the confirmation link from the email activates the
alert; an agent writes a message, sees the recipients and sends it. Every page: screenshot, no
console error, no serious axe violation, no sideways scrolling on the phone."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from django.utils import timezone

from parvis.accounts.models import TOTPDevice, User
from parvis.alerts.models import Broadcast, Subscription
from parvis.notifications.models import OutboundMessage
from tests.alerts.helpers import area, subscription
from tests.browser.conftest import Visit
from tests.browser.test_accounts_pages import log_in, pass_second_factor

pytestmark = pytest.mark.browser


def _no_sideways_scroll(visit: Visit) -> None:
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{visit.page.url} is {overflow}px wider than the screen"


def test_a_resident_subscribes_on_a_phone_with_the_keyboard_and_confirms_by_the_emailed_link(
    phone: Visit, territory: Any
) -> None:
    area(territory.commune_a, "Centre-ville")
    page = phone.page
    phone.goto("/alertes/")
    phone.check("alerts-subscribe-phone")
    _no_sideways_scroll(phone)

    # Keyboard only: focus the email field, then type and move with Tab / arrows / Space.
    page.get_by_label(re.compile(r"^Adresse électronique")).focus()
    page.keyboard.type("voisine@example.org")
    page.get_by_label("Autour d'une adresse (ma rue, mon quartier)").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # from the radio group to the address field
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.get_by_label(re.compile(r"^Adresse ou rue")).focus()
    page.keyboard.type("8 rue des Tilleuls")
    page.get_by_role("button", name="M'inscrire aux alertes").focus()
    page.keyboard.press("Enter")
    page.get_by_text(re.compile("ouvrez le lien envoyé")).wait_for()
    phone.check("alerts-subscribed-phone")

    message = OutboundMessage.objects.get(event="alerts.confirm")
    path = re.search(r"http://[^/\s]+(/alertes/confirmer/[^/\s]+/)", message.body_text).group(1)  # type: ignore[union-attr]
    phone.goto(path)
    phone.check("alerts-confirm-phone")
    page.get_by_role("button", name="Confirmer mon alerte").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/alertes/gerer/"))
    page.get_by_text(re.compile("Votre alerte est confirmée")).wait_for()
    phone.check("alerts-manage-phone")
    _no_sideways_scroll(phone)
    assert Subscription.objects.get().is_active


def test_a_mistake_is_explained_beside_the_field_on_a_phone(phone: Visit, territory: Any) -> None:
    page = phone.page
    phone.goto("/alertes/")
    page.get_by_label(re.compile(r"^Adresse électronique")).fill("voisine@example.org")
    page.get_by_role("button", name="M'inscrire aux alertes").click()
    page.locator("#id_address_error").wait_for()
    phone.errors.clear()  # the 400 answer is the expected one
    assert page.locator("#id_address_error").count() == 1
    assert page.get_by_label(re.compile(r"^Adresse électronique")).input_value() == "voisine@example.org"
    phone.check("alerts-error-phone")


@pytest.fixture
def agent_totp(agent_a: User) -> str:
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=agent_a, secret=secret, confirmed_at=timezone.now())
    return secret


def test_an_agent_writes_a_message_sees_the_recipients_and_sends_it(
    desk: Visit, agent_a: User, agent_totp: str, territory: Any
) -> None:
    subscription(territory.commune_a, "voisin@example.org")
    page = desk.page
    log_in(desk, agent_a)
    pass_second_factor(desk, agent_totp)
    desk.goto("/backoffice/alertes/")
    desk.check("alerts-backoffice-list")
    desk.goto("/backoffice/alertes/nouveau/")
    desk.check("alerts-backoffice-new")
    page.get_by_label(re.compile(r"^Type de message")).select_option("weather")
    page.get_by_label(re.compile(r"^Titre")).fill("Vigilance orange orages")
    page.get_by_label(re.compile(r"^Message")).fill("Évitez les déplacements ce soir.")
    page.get_by_role("button", name="Voir les destinataires avant d'envoyer").click()
    page.wait_for_url(re.compile(r"/backoffice/alertes/\d+/"))
    page.get_by_role("button", name="Envoyer à 1 abonné").wait_for()
    desk.check("alerts-backoffice-preview")
    page.get_by_role("button", name="Envoyer à 1 abonné").click()
    page.get_by_text(re.compile("Envoi lancé")).wait_for()
    assert Broadcast.objects.get().status == "sending"
    desk.check("alerts-backoffice-sent")
    desk.goto("/backoffice/alertes/quartiers/")
    desk.check("alerts-backoffice-areas")


def test_the_address_suggestions_come_from_the_street_list_and_fill_the_position(phone: Visit, territory: Any) -> None:
    from parvis.reports.models import Street

    Street.objects.create(
        organisation=territory.commune_a,
        name="Rue des Lilas",
        postcode="99100",
        city="Commune A",
        latitude=45.001,
        longitude=5.001,
        end_latitude=45.002,
        end_longitude=5.003,
        last_number=40,
    )
    page = phone.page
    phone.goto("/alertes/")
    field = page.get_by_label(re.compile(r"^Adresse ou rue"))
    field.press_sequentially("rue des lil")
    option = page.locator("#alert-address-list option").first
    option.wait_for(state="attached")
    label = option.get_attribute("value")
    assert label and "Rue des Lilas" in label
    field.fill(label)
    field.dispatch_event("input")
    assert page.locator("#id_latitude").input_value().startswith("45.00")
    phone.check("alerts-address-suggestions-phone")

"""FranceConnect in a real Chromium: the button, the local provider over real HTTP, logged in, logged out."""

from __future__ import annotations

import re
from typing import Any

import pytest

from parvis.accounts.models import User
from parvis.franceconnect.demo import DEMO_CLIENT_SECRET
from parvis.franceconnect.enums import Environment
from parvis.franceconnect.models import FranceConnectConfig, FranceConnectIdentity
from tests.browser.conftest import Visit

pytestmark = pytest.mark.browser


@pytest.fixture
def local_franceconnect(live_server: Any, territory: Any, settings: Any) -> FranceConnectConfig:
    """The EPCI shares a configuration on the local provider, reached over HTTP on the live server."""
    settings.PARVIS_FC_LOCAL_PROVIDER = True
    settings.PARVIS_FC_LOCAL_ISSUER = f"{live_server.url}/fc-demo/api/v2"
    config = FranceConnectConfig(
        organisation=territory.epci,
        enabled=True,
        environment=Environment.LOCAL,
        client_id="client-navigateur",
        shared_with_communes=True,
    )
    config.set_client_secret(DEMO_CLIENT_SECRET)
    config.save()
    return config


def test_camille_logs_in_with_franceconnect_and_out_through_it(desk: Visit, local_franceconnect: Any) -> None:
    page = desk.page
    desk.goto("/compte/connexion/")
    button = page.get_by_role("link", name=re.compile("S’identifier avec FranceConnect"))
    separator = page.locator(".fr-connect-separator")
    password_form = page.locator("form[action='/compte/connexion/']")
    # The button comes first, then "ou", then the password form; the explanation link sits below the button.
    assert button.bounding_box()["y"] < separator.bounding_box()["y"] < password_form.bounding_box()["y"]
    assert page.get_by_role("link", name=re.compile("Qu’est-ce que FranceConnect")).count() == 1
    desk.check("franceconnect-login")

    button.click()
    page.wait_for_url(re.compile(r"/fc-demo/api/v2/authorize"))
    assert page.get_by_text("Fournisseur d’identité de démonstration").count() >= 1
    desk.check("franceconnect-provider")

    page.get_by_role("button", name="Se connecter en tant que Camille Martin").click()
    page.wait_for_url(re.compile(r"commune-a\.localhost:\d+/mon-espace/"))
    assert page.get_by_text("Votre compte a été créé avec votre identité FranceConnect").count() == 1
    user = User.objects.get(email="camille.martin@example.org")
    assert FranceConnectIdentity.objects.get(user=user).family_name == "Martin"
    desk.check("franceconnect-logged-in")

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(r"commune-a\.localhost:\d+/$"))
    assert page.get_by_text("déconnecté(e) de ce site et de FranceConnect").count() == 1
    desk.check("franceconnect-logged-out")


def test_the_registration_page_offers_franceconnect_first(phone: Visit, local_franceconnect: Any) -> None:
    phone.goto("/compte/inscription/")
    button = phone.page.get_by_role("link", name=re.compile("S’identifier avec FranceConnect"))
    first_field = phone.page.get_by_label(re.compile(r"^Adresse électronique"))
    assert button.bounding_box()["y"] < first_field.bounding_box()["y"]
    phone.check("franceconnect-register-phone")

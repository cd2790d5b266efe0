"""Account pages and the agent back office in a real Chromium, logged in through the real forms."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from django.utils import timezone

from parvis.accounts.models import TOTPDevice, User
from parvis.notifications.services import queue_message
from tests.browser.conftest import Visit
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def log_in(visit: Visit, user: User) -> None:
    visit.goto("/compte/connexion/")
    visit.page.get_by_label(re.compile(r"^Adresse électronique")).fill(user.email)
    visit.page.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
    visit.page.get_by_role("button", name="Se connecter").click()


def pass_second_factor(visit: Visit, secret: str) -> None:
    visit.page.wait_for_url(re.compile(r"/compte/double-authentification/"))
    visit.page.get_by_label(re.compile(r"^Code à 6 chiffres")).fill(pyotp.TOTP(secret).now())
    visit.page.locator("main").get_by_role("button").first.click()
    visit.page.wait_for_url(lambda url: "/compte/" not in url)


@pytest.fixture
def agent_secret(agent_a: User) -> str:
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=agent_a, secret=secret, confirmed_at=timezone.now())
    return secret


def test_login_page_is_accessible(desk: Visit) -> None:
    desk.goto("/compte/connexion/")
    desk.check("login")


def test_login_page_is_accessible_on_a_phone(phone: Visit) -> None:
    phone.goto("/compte/connexion/")
    phone.check("login-phone")


def test_a_wrong_password_is_announced_accessibly_and_the_email_is_kept(desk: Visit, citizen: User) -> None:
    desk.goto("/compte/connexion/")
    desk.page.get_by_label(re.compile(r"^Adresse électronique")).fill(citizen.email)
    desk.page.get_by_label(re.compile(r"^Mot de passe")).fill("pas le bon mot de passe")
    desk.page.get_by_role("button", name="Se connecter").click()
    desk.page.wait_for_load_state()
    assert desk.page.get_by_label(re.compile(r"^Adresse électronique")).input_value() == citizen.email
    desk.check("login-error")


def test_registration_page_is_accessible(desk: Visit) -> None:
    desk.goto("/compte/inscription/")
    desk.check("register")


def test_registration_errors_are_accessible(desk: Visit) -> None:
    desk.goto("/compte/inscription/")
    desk.page.get_by_label(re.compile(r"^Prénom")).fill("Camille")
    desk.page.locator("main form button[type=submit]").first.click()
    desk.page.wait_for_load_state()
    assert desk.page.locator(".error-summary").count() == 1
    assert desk.page.get_by_label(re.compile(r"^Prénom")).input_value() == "Camille"
    desk.check("register-errors")


def test_citizen_logs_in_and_reaches_their_space(desk: Visit, citizen: User) -> None:
    log_in(desk, citizen)
    desk.page.wait_for_url(lambda url: "/compte/connexion/" not in url)
    assert desk.page.get_by_role("button", name="Se déconnecter").count() == 1
    desk.goto("/mon-espace/")
    desk.check("citizen-space")


def test_an_agent_enrols_a_second_factor_and_reaches_the_back_office(desk: Visit, agent_a: User) -> None:
    log_in(desk, agent_a)
    desk.page.wait_for_url(re.compile(r"/compte/double-authentification/"))
    desk.check("otp-enrolment-start")
    desk.page.get_by_role("button", name="Activer la double authentification").click()
    desk.page.wait_for_load_state()
    assert desk.page.locator("main svg[role=img]").count() == 1, "the enrolment page shows a QR code"
    desk.check("otp-enrolment-qr")
    pass_second_factor(desk, TOTPDevice.objects.get(user=agent_a).secret)
    assert TOTPDevice.objects.get(user=agent_a).confirmed_at is not None
    assert desk.page.locator("nav.backoffice-nav").count() == 1


def test_agent_logs_in_with_totp_and_the_back_office_is_accessible(
    desk: Visit, territory: Any, agent_a: User, agent_secret: str
) -> None:
    log_in(desk, agent_a)
    desk.page.wait_for_url(re.compile(r"/compte/double-authentification/"))
    desk.check("otp")
    pass_second_factor(desk, agent_secret)
    desk.goto("/backoffice/")
    assert desk.page.locator("nav.backoffice-nav").count() == 1
    desk.check("backoffice-home-desk")
    queue_message(
        organisation=territory.commune_a,
        event="notifications.test",
        to="camille@example.org",
        context={"recipient_name": "Camille Martin", "portal_url": "http://commune-a.localhost/"},
    )
    desk.goto("/backoffice/messages/")
    assert desk.page.locator("main table tbody tr").count() == 1
    desk.check("backoffice-outbox")


def test_back_office_is_usable_on_a_phone(phone: Visit, agent_a: User, agent_secret: str) -> None:
    log_in(phone, agent_a)
    pass_second_factor(phone, agent_secret)
    phone.goto("/backoffice/")
    overflow = phone.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the back office is {overflow}px wider than a 390px phone screen"
    phone.check("backoffice-home-phone")

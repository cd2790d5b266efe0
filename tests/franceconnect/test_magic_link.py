"""Magic-link login: by email through the outbox, single use, 15 minutes, stored hashed, rate limited."""

from __future__ import annotations

import datetime as dt
import hashlib

import time_machine
from django.utils import timezone

from parvis.audit.models import AuditEvent
from parvis.franceconnect.models import MagicLink
from parvis.notifications.models import OutboundMessage
from tests.accounts.helpers import last_message, link_path
from tests.factories import UserFactory

REQUEST_URL = "/compte/lien-de-connexion/"


def _ask(client, email: str):
    return client.post(REQUEST_URL, {"email": email})


def test_the_login_page_offers_a_link_by_email(territory, client_a):
    page = client_a.get("/compte/connexion/").content.decode()
    assert "Recevoir un lien de connexion" in page and REQUEST_URL in page


def test_a_link_arrives_by_email_and_logs_in_once(territory, citizen, client_a):
    response = _ask(client_a, citizen.email.upper())
    assert response["Location"] == "/compte/lien-de-connexion/envoye/"
    message = last_message("account.magic_link", citizen.email)
    assert "15 minutes" in message.body_text
    path = link_path(message)
    assert path.startswith(REQUEST_URL)
    # Opening the link logs in nobody (mail scanners open links): the button does.
    page = client_a.get(path)
    assert page.status_code == 200 and citizen.email in page.content.decode()
    assert "_auth_user_id" not in client_a.session
    response = client_a.post(path)
    assert response["Location"] == "/compte/accueil/"
    assert client_a.session["_auth_user_id"] == str(citizen.pk)
    assert AuditEvent.objects.filter(action="account.login", after__via="magic_link").exists()
    client_a.post("/compte/deconnexion/")
    again = client_a.post(path)
    assert again.status_code == 400
    assert "n’est plus valable" in again.content.decode()
    assert "_auth_user_id" not in client_a.session


def test_the_token_is_stored_hashed(territory, citizen, client_a):
    _ask(client_a, citizen.email)
    token = link_path(last_message("account.magic_link", citizen.email)).rstrip("/").split("/")[-1]
    link = MagicLink.objects.get()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not MagicLink.objects.filter(token_hash=token).exists()


def test_a_link_expires_after_fifteen_minutes(territory, citizen, client_a):
    _ask(client_a, citizen.email)
    path = link_path(last_message("account.magic_link", citizen.email))
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert client_a.get(path).status_code == 400
        assert client_a.post(path).status_code == 400
        assert "_auth_user_id" not in client_a.session


def test_an_unknown_address_gets_the_same_answer_and_no_email(territory, client_a):
    response = _ask(client_a, "personne@example.org")
    assert response["Location"] == "/compte/lien-de-connexion/envoye/"
    assert not OutboundMessage.objects.filter(event="account.magic_link").exists()


def test_an_unconfirmed_account_is_confirmed_by_its_link(territory, client_a):
    user = UserFactory(email="nouveau@example.org", email_verified_at=None)
    _ask(client_a, user.email)
    client_a.post(link_path(last_message("account.magic_link", user.email)))
    user.refresh_from_db()
    assert user.email_verified_at is not None


def test_one_account_gets_at_most_three_links_a_quarter_of_an_hour(territory, citizen, client_a):
    for _ in range(5):
        _ask(client_a, citizen.email)
    assert OutboundMessage.objects.filter(event="account.magic_link").count() == 3
    assert AuditEvent.objects.filter(action="account.magic_link_throttled").exists()


def test_requests_are_rate_limited_per_ip_like_the_other_email_forms(territory, citizen, client_a, settings):
    settings.PARVIS_EMAIL_FORMS_IP_MAX = 2
    _ask(client_a, "a@example.org")
    _ask(client_a, "b@example.org")
    response = _ask(client_a, citizen.email)
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    assert citizen.email in response.content.decode()  # what the user typed is kept


def test_guessed_tokens_count_as_failed_logins_and_get_rate_limited(territory, client_a, settings):
    settings.PARVIS_LOGIN_IP_MAX_FAILURES = 3
    for n in range(3):
        assert client_a.post(f"{REQUEST_URL}devine-{n}/").status_code == 400
    response = client_a.get(f"{REQUEST_URL}devine-4/")
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()


def test_an_agent_logged_in_by_link_still_needs_the_second_factor(territory, agent_a, client_a):
    _ask(client_a, agent_a.email)
    client_a.post(link_path(last_message("account.magic_link", agent_a.email)))
    response = client_a.get("/backoffice/")
    assert response.status_code == 302 and "/compte/double-authentification/" in response["Location"]

"""Logging out of a FranceConnect session goes through FranceConnect's session/end and back, state checked."""

from __future__ import annotations

from parvis.audit.models import AuditEvent
from parvis.franceconnect import views as fc_views
from tests.conftest import HOST_A, logged_in
from tests.factories import UserFactory
from tests.franceconnect.conftest import ISSUER, Browser, path_of, query_of


def _logout(browser: Browser) -> str:
    id_token = browser.site.session[fc_views.SESSION_KEY]["id_token"]
    response = browser.site.post("/compte/deconnexion/")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{ISSUER}/session/end?")
    params = query_of(location)
    assert params["id_token_hint"] == id_token
    assert params["post_logout_redirect_uri"] == "http://commune-a.localhost/franceconnect/deconnexion/retour/"
    assert len(params["state"]) >= 32
    assert browser.logged_in_user_id() is None  # logged out here at once
    return location


def test_logout_round_trip_through_the_provider(fc_config):
    browser = Browser()
    browser.login("camille")
    end_session = _logout(browser)
    back = browser.provider.get(path_of(end_session))
    assert back.status_code == 302
    assert back["Location"].startswith("http://commune-a.localhost/franceconnect/deconnexion/retour/?state=")
    home = browser.site.get(path_of(back["Location"]))
    assert home["Location"] == "/"
    assert "déconnecté(e) de ce site et de FranceConnect" in browser.page_text("/")
    assert AuditEvent.objects.filter(action="account.logout").exists()


def test_a_logout_return_with_another_state_is_not_taken_for_a_confirmation(fc_config):
    browser = Browser()
    browser.login("camille")
    _logout(browser)
    browser.site.get("/franceconnect/deconnexion/retour/?state=" + "x" * 43)
    text = browser.page_text("/")
    assert "n'a pas pu être confirmée" in text and "de ce site et de FranceConnect" not in text
    # The state is spent: the real one arriving later is not accepted either.
    browser.site.get("/franceconnect/deconnexion/retour/?state=whatever")
    assert "n'a pas pu être confirmée" in browser.page_text("/")


def test_the_provider_refuses_a_logout_to_an_unregistered_address(fc_config):
    browser = Browser()
    browser.login("camille")
    end_session = _logout(browser)
    evil = end_session.replace("commune-a.localhost", "evil.example")
    response = browser.provider.get(path_of(evil))
    assert response.status_code == 400
    assert "adresse de retour non enregistrée" in response.content.decode()


def test_a_password_session_logs_out_as_before(fc_config):
    client = logged_in(UserFactory(), HOST_A)
    response = client.post("/compte/deconnexion/")
    assert response["Location"] == "/"


def test_pages_let_the_logout_form_reach_the_provider_only_for_franceconnect_sessions(fc_config):
    browser = Browser()
    browser.login("camille")
    policy = browser.site.get("/mon-espace/")["Content-Security-Policy"]
    assert "form-action 'self' http://localhost:8000" in policy
    password_user = logged_in(UserFactory(), HOST_A).get("/mon-espace/")["Content-Security-Policy"]
    assert "localhost:8000" not in password_user

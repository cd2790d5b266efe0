"""The whole FranceConnect login against the local provider, and every way it must refuse."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import ECKey

from parvis.accounts.models import User
from parvis.audit.models import AuditEvent
from parvis.franceconnect import views as fc_views
from parvis.franceconnect.models import FranceConnectIdentity, LocalProviderGrant, LocalProviderKey
from parvis.franceconnect.provider import keys as provider_keys
from parvis.franceconnect.provider import views as provider_views
from tests.franceconnect.conftest import CLIENT_ID, ISSUER, Browser, query_of


def _refused(browser: Browser, response, words: str) -> None:
    """Refused: back on the login page with a clear French message, nobody logged in."""
    assert response.status_code == 302 and response["Location"] == "/compte/connexion/", response
    assert browser.logged_in_user_id() is None
    assert fc_views.SESSION_KEY not in browser.site.session
    text = browser.page_text()
    assert "La connexion avec FranceConnect a échoué" in text or "annulée" in text, text
    assert words in text, text
    assert AuditEvent.objects.filter(action="franceconnect.login_refused").exists()


def test_the_button_sends_the_browser_to_authorize_with_random_state_nonce_and_eidas1(fc_config):
    browser = Browser()
    params = query_of(browser.start())
    assert params["response_type"] == "code"
    assert params["client_id"] == CLIENT_ID
    assert params["redirect_uri"] == "http://commune-a.localhost/franceconnect/retour/"
    assert params["acr_values"] == "eidas1"
    assert set(params["scope"].split()) >= {"openid", "identite_pivot", "email"}
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32
    flow = browser.site.session[fc_views.FLOW_SESSION_KEY]
    assert flow["state"] == params["state"] and flow["nonce"] == params["nonce"]
    assert query_of(Browser().start())["state"] != params["state"]


def test_a_new_person_gets_an_account_with_their_pivot_identity_and_lands_logged_in(fc_config, provider_http):
    browser = Browser()
    response = browser.login("camille")
    assert response.status_code == 302 and response["Location"] == "/compte/accueil/"
    user = User.objects.get(email="camille.martin@example.org")
    assert browser.logged_in_user_id() == str(user.pk)
    assert (user.first_name, user.last_name, str(user.birth_date)) == ("Camille", "Martin", "1988-05-14")
    assert user.email_verified_at is not None and not user.has_usable_password()
    identity = FranceConnectIdentity.objects.get(user=user)
    assert identity.issuer == ISSUER and identity.client_id == CLIENT_ID and identity.sub.endswith("v1")
    assert (identity.birthplace, identity.birthcountry, identity.gender) == ("75056", "99100", "female")
    session = browser.site.session[fc_views.SESSION_KEY]
    assert session["config_id"] == fc_config.pk and session["id_token"].count(".") == 2
    # The real protocol ran on the back channel: token, keys, signed userinfo.
    paths = [path for _, path in provider_http.calls]
    assert paths == ["/fc-demo/api/v2/token", "/fc-demo/api/v2/jwks", "/fc-demo/api/v2/userinfo"]
    assert AuditEvent.objects.filter(action="account.login", after__via="franceconnect").exists()
    assert "Votre compte a été créé" in browser.page_text("/mon-espace/")


def test_the_next_page_is_kept_through_the_round_trip(fc_config):
    response = Browser().login("jean", next_url="/mon-espace/demandes/")
    assert response["Location"] == "/mon-espace/demandes/"


def test_the_same_person_coming_back_finds_the_same_account(fc_config):
    Browser().login("camille")
    Browser().login("camille")
    assert User.objects.filter(email="camille.martin@example.org").count() == 1
    assert FranceConnectIdentity.objects.count() == 1


def test_a_replayed_callback_is_refused(fc_config):
    browser = Browser()
    callback_url = browser.choose(browser.start())
    assert browser.callback(callback_url).status_code == 302
    assert browser.logged_in_user_id() is not None
    attacker = Browser()
    _refused(attacker, attacker.callback(callback_url), "aucune demande de connexion en cours")
    browser.site.post("/compte/deconnexion/")
    browser.site.cookies.clear()
    _refused(browser, browser.callback(callback_url), "aucune demande de connexion en cours")


def test_a_callback_with_another_state_is_refused_and_the_state_is_spent(fc_config):
    browser = Browser()
    callback_url = browser.choose(browser.start())
    forged = callback_url.replace("state=", "state=x")
    _refused(browser, browser.callback(forged), "aucune demande de connexion en cours")
    # The genuine answer no longer works either: the state was used up by the first try.
    _refused(browser, browser.callback(callback_url), "aucune demande de connexion en cours")


def test_a_callback_naming_another_issuer_is_refused(fc_config):
    browser = Browser()
    callback_url = browser.choose(browser.start())
    _refused(browser, browser.callback(callback_url.replace("iss=http", "iss=https")), "émetteur inattendu")


def test_a_cancelled_login_comes_back_with_a_message(fc_config):
    browser = Browser()
    authorize_url = browser.start()
    answer = browser.provider.post("/fc-demo/api/v2/authorize", {**query_of(authorize_url), "cancel": "1"})
    assert "error=access_denied" in answer["Location"]
    _refused(browser, browser.callback(answer["Location"]), "annulée ou refusée")


def test_a_wrong_nonce_is_refused(fc_config):
    browser = Browser()
    authorize_url = browser.start()
    session = browser.site.session
    flow = session[fc_views.FLOW_SESSION_KEY]
    session[fc_views.FLOW_SESSION_KEY] = {**flow, "nonce": "n" * 43}  # a code obtained for another login
    session.save()
    _refused(browser, browser.callback(browser.choose(authorize_url)), "nonce incorrect")


def _sign_with(monkeypatch, change_claims=None, key: ECKey | None = None):
    real_sign = provider_views._sign

    def sign(claims):
        claims = change_claims(claims) if change_claims else claims
        if key is None:
            return real_sign(claims)
        real_kid = provider_keys.signing_key().kid  # the provider's kid, another key: a forgery
        return jwt.encode({"alg": "ES256", "kid": real_kid}, claims, key)

    monkeypatch.setattr(provider_views, "_sign", sign)


def test_a_forged_signature_is_refused(fc_config, monkeypatch):
    browser = Browser()
    authorize_url = browser.start()
    _sign_with(monkeypatch, key=ECKey.generate_key("P-256"))
    _refused(browser, browser.callback(browser.choose(authorize_url)), "signature invalide")


def test_an_expired_id_token_is_refused(fc_config, monkeypatch):
    browser = Browser()
    authorize_url = browser.start()
    _sign_with(monkeypatch, lambda c: {**c, "exp": int(time.time()) - 300} if "nonce" in c else c)
    _refused(browser, browser.callback(browser.choose(authorize_url)), "jeton expiré")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"aud": "un-autre-service"}, "destiné à un autre service"),
        ({"iss": "https://faux-franceconnect.example/api/v2"}, "émetteur inattendu"),
        ({"acr": "eidas0"}, "niveau de garantie insuffisant"),
    ],
)
def test_an_id_token_for_another_audience_issuer_or_level_is_refused(fc_config, monkeypatch, change, words):
    browser = Browser()
    authorize_url = browser.start()
    _sign_with(monkeypatch, lambda c: {**c, **change} if "nonce" in c else c)
    _refused(browser, browser.callback(browser.choose(authorize_url)), words)


def test_a_userinfo_from_another_issuer_or_for_another_person_is_refused(fc_config, monkeypatch):
    browser = Browser()
    authorize_url = browser.start()
    _sign_with(monkeypatch, lambda c: c if "nonce" in c else {**c, "sub": "quelqu-un-d-autre"})
    _refused(browser, browser.callback(browser.choose(authorize_url)), "identité incohérente")
    browser = Browser()
    authorize_url = browser.start()
    _sign_with(monkeypatch, lambda c: c if "nonce" in c else {**c, "iss": "https://ailleurs.example"})
    _refused(browser, browser.callback(browser.choose(authorize_url)), "émetteur inattendu")


def test_an_unsigned_userinfo_is_refused_from_a_v2_provider(fc_config, monkeypatch):
    from parvis.franceconnect import client as fc_client

    browser = Browser()
    callback_url = browser.choose(browser.start())
    real_get = fc_client.requests.Session.get

    def get(self, url, **kwargs):
        response = real_get(self, url, **kwargs)
        if url.endswith("/userinfo"):  # a plain JSON answer instead of the signed JWT
            response.headers["Content-Type"] = "application/json"
            response._content = b'{"sub": "x", "given_name": "Camille"}'
        return response

    monkeypatch.setattr(fc_client.requests.Session, "get", get)
    _refused(browser, browser.callback(callback_url), "non signées")
    assert User.objects.count() == 0


def test_a_code_already_used_is_refused_by_the_provider(fc_config):
    browser = Browser()
    callback_url = browser.choose(browser.start())
    LocalProviderGrant.objects.update(code_used_at=timezone.now())
    _refused(browser, browser.callback(callback_url), "le code d'autorisation a été refusé")


def test_the_relying_party_fetches_the_keys_again_when_the_provider_rotates_them(fc_config, provider_http):
    Browser().login("camille")
    LocalProviderKey.objects.all().delete()  # the provider rotates: a new key, a new kid
    provider_http.calls.clear()
    response = Browser().login("camille")
    assert response["Location"] == "/compte/accueil/"
    assert [p for _, p in provider_http.calls].count("/fc-demo/api/v2/jwks") == 1


def test_the_keys_are_cached_between_logins(fc_config, provider_http):
    Browser().login("camille")
    provider_http.calls.clear()
    Browser().login("jean")
    assert "/fc-demo/api/v2/jwks" not in [p for _, p in provider_http.calls]


def test_no_button_and_no_login_where_franceconnect_is_not_configured(territory, provider_http):
    browser = Browser()
    assert "S’identifier avec" not in browser.page_text()
    response = browser.site.get("/franceconnect/connexion/")
    assert response["Location"] == "/compte/connexion/"
    assert "n'est pas proposée sur ce site" in browser.page_text()

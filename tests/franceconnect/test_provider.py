"""The local provider speaks FranceConnect v2's protocol, and refuses what FranceConnect refuses."""

from __future__ import annotations

import time

from joserfc import jwt
from joserfc.jwk import KeySet

from parvis.franceconnect.models import LocalProviderKey
from tests.franceconnect.conftest import CLIENT_ID, CLIENT_SECRET, ISSUER, Browser, query_of

BASE = "/fc-demo/api/v2"


def _code(browser: Browser, identity: str = "camille") -> tuple[str, str]:
    authorize_url = browser.start()
    callback_url = browser.choose(authorize_url, identity)
    return query_of(callback_url)["code"], query_of(authorize_url)["redirect_uri"]


def _token(browser: Browser, code: str, redirect_uri: str, secret: str = CLIENT_SECRET):
    return browser.provider.post(
        f"{BASE}/token",
        {
            "grant_type": "authorization_code",
            "client_id": CLIENT_ID,
            "client_secret": secret,
            "redirect_uri": redirect_uri,
            "code": code,
        },
    )


def test_discovery_describes_the_v2_endpoints(fc_config):
    data = Browser().provider.get(f"{BASE}/.well-known/openid-configuration").json()
    assert data["issuer"] == ISSUER
    assert data["token_endpoint"] == f"{ISSUER}/token"
    assert data["end_session_endpoint"] == f"{ISSUER}/session/end"
    assert data["id_token_signing_alg_values_supported"] == ["ES256"]
    assert "identite_pivot" in data["scopes_supported"]


def test_the_signing_key_is_generated_once_and_published(fc_config):
    browser = Browser()
    first = browser.provider.get(f"{BASE}/jwks").json()
    second = browser.provider.get(f"{BASE}/jwks").json()
    assert first == second and LocalProviderKey.objects.count() == 1
    (key,) = first["keys"]
    assert key["kty"] == "EC" and key["crv"] == "P-256" and key["alg"] == "ES256" and "d" not in key


def test_token_and_userinfo_are_signed_es256_and_carry_the_pivot_identity(fc_config):
    browser = Browser()
    code, redirect_uri = _code(browser)
    response = _token(browser, code, redirect_uri)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    tokens = response.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 60
    keys = KeySet.import_key_set(browser.provider.get(f"{BASE}/jwks").json())
    id_token = jwt.decode(tokens["id_token"], keys, algorithms=["ES256"])
    assert id_token.header["alg"] == "ES256"
    claims = id_token.claims
    assert claims["iss"] == ISSUER and claims["aud"] == CLIENT_ID and claims["acr"] == "eidas1"
    assert claims["exp"] > time.time() and len(claims["nonce"]) >= 32
    info = browser.provider.get(f"{BASE}/userinfo", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert info["Content-Type"] == "application/jwt"
    user = jwt.decode(info.content.decode(), keys, algorithms=["ES256"]).claims
    assert user["sub"] == claims["sub"] and user["iss"] == ISSUER
    assert {k: user[k] for k in ("given_name", "family_name", "birthdate", "birthplace", "birthcountry")} == {
        "given_name": "Camille",
        "family_name": "Martin",
        "birthdate": "1988-05-14",
        "birthplace": "75056",
        "birthcountry": "99100",
    }


def test_a_code_works_once_and_only_with_the_right_secret_and_redirect_uri(fc_config):
    browser = Browser()
    code, redirect_uri = _code(browser)
    assert _token(browser, code, redirect_uri, secret="mauvais").status_code == 401
    assert _token(browser, code, redirect_uri + "x").json()["error"] == "invalid_grant"
    code, redirect_uri = _code(browser)
    assert _token(browser, code, redirect_uri).status_code == 200
    assert _token(browser, code, redirect_uri).json()["error"] == "invalid_grant"


def test_userinfo_needs_a_valid_access_token(fc_config):
    response = Browser().provider.get(f"{BASE}/userinfo", HTTP_AUTHORIZATION="Bearer inconnu")
    assert response.status_code == 401 and "invalid_token" in response["WWW-Authenticate"]


def test_authorize_refuses_unknown_clients_and_unregistered_addresses_without_redirecting(fc_config):
    browser = Browser()
    params = query_of(browser.start())
    for change in ({"client_id": "inconnu"}, {"redirect_uri": "http://evil.example/franceconnect/retour/"}):
        response = browser.provider.get(f"{BASE}/authorize", {**params, **change})
        assert response.status_code == 400
        assert "Client inconnu ou adresse de retour" in response.content.decode()


def test_authorize_sends_back_an_error_without_eidas1_or_with_a_short_state(fc_config):
    browser = Browser()
    params = query_of(browser.start())
    for change in ({"acr_values": "eidas2"}, {"state": "court"}, {"nonce": "court"}, {"scope": "email"}):
        response = browser.provider.get(f"{BASE}/authorize", {**params, **change})
        assert response.status_code == 302 and "error=invalid_request" in response["Location"]


def test_the_provider_is_off_when_the_setting_is_off(fc_config, settings):
    settings.PARVIS_FC_LOCAL_PROVIDER = False
    browser = Browser()
    assert browser.provider.get(f"{BASE}/jwks").status_code == 404
    assert browser.provider.get(f"{BASE}/.well-known/openid-configuration").status_code == 404

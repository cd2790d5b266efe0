"""Signature rules of the relying party, checked directly: v1 (HS256 with the secret) and no algorithm confusion."""

from __future__ import annotations

import time

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey

from parvis.franceconnect import client
from parvis.franceconnect.enums import PUBLIC_ENDPOINTS, Endpoints, Environment

SECRET = "a" * 64


def _v1() -> client.Provider:
    return client.Provider(PUBLIC_ENDPOINTS[Environment.INTEGRATION_V1], "client-v1", SECRET, 1)


def _hs256(claims: dict, secret: str = SECRET) -> str:
    return jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(secret))


def _claims(provider: client.Provider, **extra) -> dict:
    now = int(time.time())
    return {
        "iss": provider.endpoints.issuer,
        "aud": provider.client_id,
        "sub": "abc",
        "iat": now,
        "exp": now + 60,
        "nonce": "n" * 43,
        "acr": "eidas1",
        **extra,
    }


def test_a_v1_id_token_signed_hs256_with_the_client_secret_is_accepted():
    provider = _v1()
    claims = client.verify_id_token(provider, _hs256(_claims(provider)), nonce="n" * 43)
    assert claims["sub"] == "abc"


def test_a_v1_id_token_signed_with_another_secret_is_refused():
    provider = _v1()
    with pytest.raises(client.FranceConnectError, match="signature invalide"):
        client.verify_id_token(provider, _hs256(_claims(provider), secret="b" * 64), nonce="n" * 43)


def test_a_v2_provider_never_accepts_hs256(db):
    provider = client.Provider(Endpoints.v2("https://fc.example/api/v2"), "client-v2", SECRET, 1)
    with pytest.raises(client.FranceConnectError, match="algorithme de signature inattendu"):
        client.verify_id_token(provider, _hs256(_claims(provider)), nonce="n" * 43)


def test_an_unsigned_token_is_refused():
    provider = _v1()
    with pytest.raises(client.FranceConnectError):
        client.verify_id_token(provider, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.", nonce="n" * 43)


def test_the_endpoints_of_each_environment_follow_franceconnect():
    assert PUBLIC_ENDPOINTS[Environment.INTEGRATION].authorize == (
        "https://fcp-low.integ01.dev-franceconnect.fr/api/v2/authorize"
    )
    assert (
        PUBLIC_ENDPOINTS[Environment.PRODUCTION].end_session == "https://oidc.franceconnect.gouv.fr/api/v2/session/end"
    )
    assert PUBLIC_ENDPOINTS[Environment.PRODUCTION_V1].end_session == "https://app.franceconnect.gouv.fr/api/v1/logout"

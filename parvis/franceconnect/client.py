"""The relying party's side of FranceConnect (OpenID Connect, authorization code flow).

Pure protocol: build the authorization URL, exchange the code, verify the id_token and the signed
userinfo. Back-channel calls go through ``http_session()`` (``requests``), which the tests replace by
a transport that dispatches to the local provider's views in-process.

Signatures: v2 uses ES256 (or RS256) with the provider's JWKS, cached and fetched again when a token
names an unknown key (rotation); v1 uses HS256 with the client secret, accepted only for the v1
environments (accepting HS256 from a v2 provider would let anyone knowing a public key forge tokens).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from django.core.cache import cache
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, OctKey

from parvis.franceconnect.enums import PUBLIC_ENDPOINTS, Endpoints, Environment
from parvis.franceconnect.models import FranceConnectConfig

SCOPES = "openid identite_pivot email given_name family_name birthdate gender birthplace birthcountry"
ACR = "eidas1"
ACCEPTED_ACR = {"eidas1", "eidas2", "eidas3"}
V2_ALGORITHMS = ("ES256", "RS256")
HTTP_TIMEOUT = 10
JWKS_CACHE_SECONDS = 60 * 60
CLOCK_LEEWAY = 30  # seconds of clock drift tolerated on exp/iat


class FranceConnectError(Exception):
    """The exchange with FranceConnect failed; ``message`` is French and can be shown to the user."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason  # short English code for the journal


REFUSED = "La connexion avec FranceConnect a échoué : la réponse de FranceConnect n'a pas pu être vérifiée ({detail})."
UNAVAILABLE = "FranceConnect ne répond pas pour le moment. Réessayez dans quelques minutes ou connectez-vous autrement."


def refused(detail: str, reason: str) -> FranceConnectError:
    return FranceConnectError(REFUSED.format(detail=detail), reason=reason)


@dataclass(frozen=True)
class Provider:
    """One FranceConnect configuration ready to use: endpoints and client credentials."""

    endpoints: Endpoints
    client_id: str
    client_secret: str
    config_id: int


def endpoints_for(environment: str) -> Endpoints:
    if environment == Environment.LOCAL:
        from parvis.franceconnect.provider.keys import issuer

        return Endpoints.v2(issuer())
    return PUBLIC_ENDPOINTS[Environment(environment)]


def provider_for(config: FranceConnectConfig) -> Provider:
    return Provider(
        endpoints=endpoints_for(config.environment),
        client_id=config.client_id,
        client_secret=config.client_secret,
        config_id=config.pk,
    )


def http_session() -> requests.Session:
    """The HTTP client of back-channel calls (replaced in tests by an in-process transport)."""
    return requests.Session()


def authorization_url(provider: Provider, *, redirect_uri: str, state: str, nonce: str) -> str:
    params = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "scope": SCOPES,
        "acr_values": ACR,
        "state": state,
        "nonce": nonce,
        "prompt": "login consent",
    }
    return f"{provider.endpoints.authorize}?{urlencode(params)}"


def end_session_url(provider: Provider, *, id_token: str, state: str, post_logout_redirect_uri: str) -> str:
    params = {"id_token_hint": id_token, "state": state, "post_logout_redirect_uri": post_logout_redirect_uri}
    return f"{provider.endpoints.end_session}?{urlencode(params)}"


# --- Back channel -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tokens:
    access_token: str
    id_token: str


def exchange_code(provider: Provider, *, code: str, redirect_uri: str) -> Tokens:
    data = {
        "grant_type": "authorization_code",
        "client_id": provider.client_id,
        "client_secret": provider.client_secret,
        "redirect_uri": redirect_uri,
        "code": code,
    }
    try:
        response = http_session().post(provider.endpoints.token, data=data, timeout=HTTP_TIMEOUT)
    except requests.RequestException as error:
        raise FranceConnectError(UNAVAILABLE, reason=f"token_unreachable: {error.__class__.__name__}") from error
    if response.status_code != 200:
        raise refused("le code d'autorisation a été refusé", f"token_http_{response.status_code}")
    try:
        payload = response.json()
    except ValueError as error:
        raise refused("réponse illisible", "token_not_json") from error
    access_token, id_token = payload.get("access_token"), payload.get("id_token")
    if not isinstance(access_token, str) or not isinstance(id_token, str) or not access_token or not id_token:
        raise refused("jetons absents", "token_missing_fields")
    return Tokens(access_token=access_token, id_token=id_token)


def _jwks_cache_key(provider: Provider) -> str:
    return "franceconnect:jwks:" + hashlib.sha256(provider.endpoints.jwks.encode()).hexdigest()


def fetch_jwks(provider: Provider) -> dict[str, Any]:
    try:
        response = http_session().get(provider.endpoints.jwks, timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        jwks = response.json()
    except (requests.RequestException, ValueError) as error:
        raise FranceConnectError(UNAVAILABLE, reason=f"jwks_unreachable: {error.__class__.__name__}") from error
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise refused("clés de signature illisibles", "jwks_invalid")
    cache.set(_jwks_cache_key(provider), jwks, JWKS_CACHE_SECONDS)
    return jwks


def _key_for(provider: Provider, kid: str | None) -> KeySet:
    """The provider's key set holding ``kid``: from the cache, else fetched again (key rotation)."""
    jwks = cache.get(_jwks_cache_key(provider))
    for attempt in range(2):
        if jwks is None or attempt == 1:
            jwks = fetch_jwks(provider)
        key_set = KeySet.import_key_set(jwks)
        if kid is None and len(key_set.keys) == 1:
            return key_set
        if kid is not None and any(key.kid == kid for key in key_set.keys):
            return key_set
    raise refused("clé de signature inconnue", "unknown_kid")


def decode_signed(provider: Provider, raw: str) -> dict[str, Any]:
    """Verify a JWT's signature with the algorithm rules of the provider's version; return its claims."""
    try:
        header = jws.extract_compact(raw.encode()).protected
    except (JoseError, ValueError) as error:
        raise refused("jeton illisible", "jwt_malformed") from error
    alg = header.get("alg")
    key: Any
    if provider.endpoints.version == 1:
        if alg != "HS256":
            raise refused("algorithme de signature inattendu", f"alg_{alg}")
        key = OctKey.import_key(provider.client_secret)
    else:
        if alg not in V2_ALGORITHMS:
            raise refused("algorithme de signature inattendu", f"alg_{alg}")
        key = _key_for(provider, header.get("kid"))
    try:
        return dict(jwt.decode(raw, key, algorithms=[str(alg)]).claims)
    except (JoseError, ValueError) as error:
        raise refused("signature invalide", "bad_signature") from error


def verify_id_token(provider: Provider, raw: str, *, nonce: str, now: float | None = None) -> dict[str, Any]:
    """The id_token's claims once its signature, iss, aud, exp, iat, nonce and acr are checked."""
    claims = decode_signed(provider, raw)
    now = time.time() if now is None else now
    if claims.get("iss") != provider.endpoints.issuer:
        raise refused("émetteur inattendu", "bad_iss")
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if provider.client_id not in audiences:
        raise refused("jeton destiné à un autre service", "bad_aud")
    if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != provider.client_id:
        raise refused("jeton destiné à un autre service", "bad_azp")
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or exp + CLOCK_LEEWAY < now:
        raise refused("jeton expiré", "expired")
    iat = claims.get("iat")
    if not isinstance(iat, int | float) or iat - CLOCK_LEEWAY > now:
        raise refused("date d'émission invalide", "bad_iat")
    if not nonce or claims.get("nonce") != nonce:
        raise refused("nonce incorrect", "bad_nonce")
    if claims.get("acr") not in ACCEPTED_ACR:
        raise refused("niveau de garantie insuffisant", "bad_acr")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise refused("identifiant absent", "missing_sub")
    return claims


def fetch_userinfo(provider: Provider, *, access_token: str, sub: str) -> dict[str, Any]:
    """The user's claims; v2 answers a signed JWT (``application/jwt``), verified like the id_token."""
    try:
        response = http_session().get(
            provider.endpoints.userinfo, headers={"Authorization": f"Bearer {access_token}"}, timeout=HTTP_TIMEOUT
        )
    except requests.RequestException as error:
        raise FranceConnectError(UNAVAILABLE, reason=f"userinfo_unreachable: {error.__class__.__name__}") from error
    if response.status_code != 200:
        raise refused("informations d'identité refusées", f"userinfo_http_{response.status_code}")
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type == "application/jwt":
        claims = decode_signed(provider, response.text.strip())
        if claims.get("iss") != provider.endpoints.issuer:
            raise refused("émetteur inattendu", "userinfo_bad_iss")
        aud = claims.get("aud")
        if aud is not None and provider.client_id not in (aud if isinstance(aud, list) else [aud]):
            raise refused("informations destinées à un autre service", "userinfo_bad_aud")
    elif provider.endpoints.version == 1 and content_type == "application/json":
        try:
            claims = dict(response.json())
        except (ValueError, TypeError) as error:
            raise refused("réponse illisible", "userinfo_not_json") from error
    else:
        raise refused("informations d'identité non signées", "userinfo_unsigned")
    if claims.get("sub") != sub:
        raise refused("identité incohérente", "userinfo_sub_mismatch")
    return claims

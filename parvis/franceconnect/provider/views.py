"""A local OpenID Connect provider that behaves like FranceConnect v2's integration environment.

Served by Parvis itself under ``/fc-demo/api/v2/`` when ``PARVIS_FC_LOCAL_PROVIDER`` is on (the
default outside production), so the demo and the tests exercise the real protocol without the
internet: discovery, authorize (a page to pick a demo identity), token (id_token signed ES256),
userinfo (a signed JWT, ``application/jwt``), jwks and session/end.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from joserfc import jwt
from joserfc.errors import JoseError

from parvis.franceconnect.csp import allow_form_action, origin_of
from parvis.franceconnect.models import FranceConnectConfig, LocalProviderGrant
from parvis.franceconnect.provider import clients, keys
from parvis.franceconnect.provider.identities import BY_KEY, IDENTITIES, DemoIdentity

CODE_SECONDS = 60
TOKEN_SECONDS = 60
ID_TOKEN_SECONDS = 60
MIN_RANDOM_LENGTH = 32  # state and nonce (FranceConnect+ rule, applied to FranceConnect)
SCOPE_CLAIMS = {
    "given_name": ["given_name"],
    "family_name": ["family_name"],
    "birthdate": ["birthdate"],
    "gender": ["gender"],
    "birthplace": ["birthplace"],
    "birthcountry": ["birthcountry"],
    "email": ["email"],
    "identite_pivot": ["given_name", "family_name", "birthdate", "gender", "birthplace", "birthcountry"],
    "profile": ["given_name", "family_name", "birthdate", "gender"],
    "birth": ["birthplace", "birthcountry"],
}
AUTHORIZE_PARAMS = ("response_type", "client_id", "redirect_uri", "scope", "acr_values", "state", "nonce", "prompt")


def _enabled() -> None:
    if not getattr(settings, "PARVIS_FC_LOCAL_PROVIDER", False):
        raise Http404("Le fournisseur d'identité de démonstration n'est pas activé sur cette plateforme.")


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _sub(client_id: str, identity: DemoIdentity) -> str:
    """Pairwise like FranceConnect's: stable per identity and client, different for each client."""
    seed = f"{settings.SECRET_KEY}:fc-demo:{client_id}:{identity.key}"
    return hashlib.sha256(seed.encode()).hexdigest() + "v1"


def _sign(claims: dict[str, Any]) -> str:
    key = keys.signing_key()
    return jwt.encode({"alg": keys.ALGORITHM, "kid": key.kid, "typ": "JWT"}, claims, key)


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status)
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


def _oauth_error(error: str, description: str, status: int = 400) -> JsonResponse:
    return _json({"error": error, "error_description": description}, status=status)


@require_GET
def discovery(request: HttpRequest) -> JsonResponse:
    _enabled()
    issuer = keys.issuer()
    return JsonResponse(
        {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "jwks_uri": f"{issuer}/jwks",
            "end_session_endpoint": f"{issuer}/session/end",
            "scopes_supported": ["openid", *SCOPE_CLAIMS],
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "acr_values_supported": ["eidas1"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": [keys.ALGORITHM],
            "userinfo_signing_alg_values_supported": [keys.ALGORITHM],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "claims_supported": sorted({c for claims in SCOPE_CLAIMS.values() for c in claims} | {"sub"}),
            "authorization_response_iss_parameter_supported": True,
        }
    )


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    _enabled()
    return JsonResponse(keys.public_jwks())


def _redirect(uri: str, params: dict[str, str]) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{uri}?{urlencode(params)}")


def _authorize_error(params: dict[str, str]) -> str:
    """The first rule the request breaks (French, for the redirect's error_description), or ''."""
    if params.get("response_type") != "code":
        return "response_type doit valoir « code »."
    if "openid" not in params.get("scope", "").split():
        return "Le scope doit contenir « openid »."
    if params.get("acr_values") != "eidas1":
        return "acr_values doit valoir « eidas1 »."
    if len(params.get("state", "")) < MIN_RANDOM_LENGTH:
        return f"state doit compter au moins {MIN_RANDOM_LENGTH} caractères."
    if len(params.get("nonce", "")) < MIN_RANDOM_LENGTH:
        return f"nonce doit compter au moins {MIN_RANDOM_LENGTH} caractères."
    return ""


@never_cache
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    """Choose a demo identity; the browser goes back to the client with a code, its state and our issuer."""
    _enabled()
    source = request.POST if request.method == "POST" else request.GET
    params = {name: source.get(name, "") for name in AUTHORIZE_PARAMS}
    config = clients.client(params["client_id"])
    if config is None or not clients.redirect_uri_registered(config, params["redirect_uri"]):
        # Never redirect to an unknown address: say it here.
        return render(
            request,
            "franceconnect/provider/error.html",
            {"error": "Client inconnu ou adresse de retour (redirect_uri) non enregistrée."},
            status=400,
        )
    problem = _authorize_error(params)
    if problem:
        return _redirect(
            params["redirect_uri"],
            {"error": "invalid_request", "error_description": problem, "state": params["state"]},
        )
    if request.method == "POST":
        if "cancel" in request.POST:
            return _redirect(
                params["redirect_uri"],
                {
                    "error": "access_denied",
                    "error_description": "L'usager a annulé la connexion.",
                    "state": params["state"],
                },
            )
        identity = BY_KEY.get(request.POST.get("identity", ""))
        if identity is not None:
            code = secrets.token_urlsafe(32)
            now = timezone.now()
            LocalProviderGrant.objects.create(
                code_hash=_hash(code),
                client_id=config.client_id,
                redirect_uri=params["redirect_uri"],
                scope=params["scope"],
                nonce=params["nonce"],
                acr=params["acr_values"],
                identity=identity.key,
                sid=secrets.token_hex(16),
                code_expires_at=now + timedelta(seconds=CODE_SECONDS),
            )
            return _redirect(params["redirect_uri"], {"code": code, "state": params["state"], "iss": keys.issuer()})
    page = render(
        request,
        "franceconnect/provider/authorize.html",
        {"identities": IDENTITIES, "params": params, "client_name": config.organisation.name},
    )
    allow_form_action(page, origin_of(params["redirect_uri"]))  # the choice redirects to the (registered) client
    return page


def _grant_for_code(code: str) -> LocalProviderGrant | None:
    """The grant of an unused, unexpired code, marked used at once (a code works once)."""
    now = timezone.now()
    grant = LocalProviderGrant.objects.filter(code_hash=_hash(code)).first()
    if grant is None:
        return None
    claimed = LocalProviderGrant.objects.filter(pk=grant.pk, code_used_at__isnull=True, code_expires_at__gt=now).update(
        code_used_at=now
    )
    return grant if claimed else None


@csrf_exempt
@never_cache
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    _enabled()
    if request.POST.get("grant_type") != "authorization_code":
        return _oauth_error("unsupported_grant_type", "grant_type doit valoir authorization_code.")
    config = clients.authenticate(request.POST.get("client_id", ""), request.POST.get("client_secret", ""))
    if config is None:
        return _oauth_error("invalid_client", "Client inconnu ou secret incorrect.", status=401)
    grant = _grant_for_code(request.POST.get("code", ""))
    if (
        grant is None
        or grant.client_id != config.client_id
        or grant.redirect_uri != request.POST.get("redirect_uri", "")
    ):
        return _oauth_error("invalid_grant", "Code inconnu, expiré, déjà utilisé ou émis pour un autre client.")
    access_token = secrets.token_urlsafe(32)
    grant.access_token_hash = _hash(access_token)
    grant.token_expires_at = timezone.now() + timedelta(seconds=TOKEN_SECONDS)
    grant.save(update_fields=["access_token_hash", "token_expires_at"])
    identity = BY_KEY[grant.identity]
    now = int(time.time())
    id_token = _sign(
        {
            "iss": keys.issuer(),
            "sub": _sub(config.client_id, identity),
            "aud": config.client_id,
            "exp": now + ID_TOKEN_SECONDS,
            "iat": now,
            "auth_time": int(grant.created_at.timestamp()),
            "nonce": grant.nonce,
            "acr": grant.acr,
            "amr": ["pwd"],
            "sid": grant.sid,
            "idp_id": "fc-demo",
        }
    )
    return _json(
        {"access_token": access_token, "token_type": "Bearer", "expires_in": TOKEN_SECONDS, "id_token": id_token}
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def userinfo(request: HttpRequest) -> HttpResponse:
    """The claims of the granted scopes, as a JWT signed like the id_token (``application/jwt``)."""
    _enabled()
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    grant = None
    if scheme.lower() == "bearer" and value:
        grant = LocalProviderGrant.objects.filter(
            access_token_hash=_hash(value.strip()), token_expires_at__gt=timezone.now()
        ).first()
    if grant is None:
        response = _oauth_error("invalid_token", "Jeton d'accès absent, inconnu ou expiré.", status=401)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    identity = BY_KEY[grant.identity]
    claims: dict[str, Any] = {}
    available = identity.claims()
    for scope in grant.scope.split():
        for name in SCOPE_CLAIMS.get(scope, []):
            claims[name] = available[name]
    now = int(time.time())
    claims |= {
        "sub": _sub(grant.client_id, identity),
        "iss": keys.issuer(),
        "aud": grant.client_id,
        "iat": now,
        "exp": now + TOKEN_SECONDS,
    }
    signed = HttpResponse(_sign(claims), content_type="application/jwt")
    signed["Cache-Control"] = "no-store"
    return signed


def _id_token_client(id_token_hint: str) -> FranceConnectConfig | None:
    """The client an id_token we signed was issued to (its expiry does not matter at logout)."""
    try:
        decoded = jwt.decode(id_token_hint, keys.verification_keys(), algorithms=[keys.ALGORITHM])
    except (JoseError, ValueError):
        return None
    if decoded.claims.get("iss") != keys.issuer():
        return None
    return clients.client(str(decoded.claims.get("aud", "")))


@never_cache
@require_GET
def session_end(request: HttpRequest) -> HttpResponse:
    """Ends the provider's session and sends the browser back to the client with its state."""
    _enabled()
    config = _id_token_client(request.GET.get("id_token_hint", ""))
    target = request.GET.get("post_logout_redirect_uri", "")
    if config is None or not clients.post_logout_uri_registered(config, target):
        return render(
            request,
            "franceconnect/provider/error.html",
            {"error": "Déconnexion refusée : id_token_hint invalide ou adresse de retour non enregistrée."},
            status=400,
        )
    return _redirect(target, {"state": request.GET.get("state", "")})

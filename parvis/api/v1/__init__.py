"""The REST API v1: ``/api/v1/`` (django-ninja), described at ``/api/v1/openapi.json``.

Every operation needs ``Authorization: Bearer <token>`` (see parvis/api/auth.py and docs/api.md);
errors always read ``{"detail": "...", "errors": {field: [messages]}}`` in French.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.throttling import AuthRateThrottle

from parvis.api.auth import BearerAuth
from parvis.api.errors import UNAUTHENTICATED, ApiError
from parvis.api.v1.cases import router as cases_router
from parvis.api.v1.procedures import router as procedures_router

DESCRIPTION = """API de Parvis : catalogue des démarches, dépôt et suivi des demandes.

Authentification : `Authorization: Bearer <jeton>` ; un jeton vaut pour un utilisateur dans une
collectivité, avec des droits (`procedures:read`, `cases:read`, `cases:submit`, `cases:write`).
Créer un jeton : `uv run parvis api-token EMAIL --scope cases:read ...`.

Erreurs : `{"detail": "...", "errors": {"champ": ["..."]}}`, en français. 401 sans jeton valide,
403 sans le droit nécessaire (ou jeton d'une autre collectivité que celle de l'adresse), 404 pour un
objet introuvable ou hors de portée, 409 pour une action impossible dans l'état de la demande,
422 pour une saisie invalide.
"""

api = NinjaAPI(
    title="Parvis API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api_v1",
    openapi_url="/openapi.json",
    docs_url=None,  # Swagger UI would come from a CDN, which our CSP forbids; openapi.json is the reference
    auth=BearerAuth(),
    throttle=[AuthRateThrottle(settings.PARVIS_API_RATE)],
)
api.add_router("/procedures", procedures_router)
api.add_router("/cases", cases_router)

_HTTP_MESSAGES = {
    401: UNAUTHENTICATED,
    403: "Accès refusé.",
    404: "Introuvable.",
    405: "Méthode non autorisée.",
    429: "Trop de requêtes : réessayez dans un moment.",
}

_PYDANTIC_MESSAGES = {
    "missing": "Ce champ est obligatoire.",
    "string_type": "Indiquez un texte.",
    "int_parsing": "Indiquez un nombre entier.",
    "int_type": "Indiquez un nombre entier.",
    "bool_parsing": "Indiquez true ou false.",
    "dict_type": "Indiquez un objet JSON.",
    "model_type": "Indiquez un objet JSON.",
    "model_attributes_type": "Indiquez un objet JSON.",
    "datetime_from_date_parsing": "Indiquez une date et heure ISO 8601 (2026-03-14T09:30:00+01:00).",
    "datetime_parsing": "Indiquez une date et heure ISO 8601 (2026-03-14T09:30:00+01:00).",
    "datetime_type": "Indiquez une date et heure ISO 8601 (2026-03-14T09:30:00+01:00).",
    "json_invalid": "Le corps de la requête n'est pas un JSON valide.",
}


def _error(request: HttpRequest, status: int, detail: str, errors: dict[str, list[str]] | None = None) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _error(request, exc.status, exc.detail, exc.errors)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, _HTTP_MESSAGES.get(exc.status_code, "Requête refusée."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, str(exc) or "Introuvable.")


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location: list[Any] = [str(part) for part in error.get("loc", ())]
        # ("body", "payload", "comment") → "comment"; ("query", "limit") → "limit"
        names = [part for part in location if part not in {"body", "query", "path", "form", "payload", "file"}]
        name = ".".join(names) or "__all__"
        errors.setdefault(name, []).append(_PYDANTIC_MESSAGES.get(error.get("type", ""), "Valeur invalide."))
    return _error(request, 422, "La requête comporte des erreurs : corrigez les champs indiqués.", errors)

"""API Particulier's client (https://particulier.api.gouv.fr, API v2 shape), behind a small interface.

``GET {base}/api/v2/composition-familiale?numeroAllocataire=…&codePostal=…`` with the header
``X-Api-Key`` answers the CAF's family quotient: ``{"quotientFamilial": 732, "mois": 10, "annee": 2026,
"allocataires": [...], "enfants": [...], "adresse": {...}}``; 404 ``{"error": "not_found", ...}`` when the
beneficiary is unknown. ``PARVIS_API_PARTICULIER_URL`` and ``PARVIS_API_PARTICULIER_TOKEN`` configure it;
the demo and the tests talk to a local double speaking the same protocol (``connectors/double.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings

TIMEOUT_SECONDS = 10


class ConnectorUnavailable(Exception):
    """The API did not answer usefully (network, 5xx, bad key): the resident uploads a document instead."""


class NotFound(Exception):
    """The API answered that it holds nothing for these identifiers."""


@dataclass(frozen=True)
class FamilyQuotient:
    quotient: int
    month: int
    year: int


def base_url() -> str:
    configured = getattr(settings, "PARVIS_API_PARTICULIER_URL", "")
    if configured:
        return configured.rstrip("/")
    if settings.DEMO:  # the local double mounted by the demo (parvis/connectors/urls.py)
        return f"http://127.0.0.1:{settings.PARVIS_URL_PORT or 8000}/connecteurs-demo/api-particulier"
    return ""


def is_configured() -> bool:
    return bool(base_url())


def family_quotient(*, numero_allocataire: str, code_postal: str) -> FamilyQuotient:
    url = base_url()
    if not url:
        raise ConnectorUnavailable("API Particulier n'est pas configurée")
    token = getattr(settings, "PARVIS_API_PARTICULIER_TOKEN", "") or ("demo" if settings.DEMO else "")
    try:
        response = requests.get(
            f"{url}/api/v2/composition-familiale",
            params={"numeroAllocataire": numero_allocataire, "codePostal": code_postal},
            headers={"X-Api-Key": token, "Accept": "application/json"},
            timeout=TIMEOUT_SECONDS,
        )
    except requests.RequestException as error:
        raise ConnectorUnavailable(str(error)) from error
    if response.status_code == 404:
        raise NotFound(_message(response))
    if response.status_code != 200:
        raise ConnectorUnavailable(f"HTTP {response.status_code}: {_message(response)}")
    try:
        data = response.json()
        return FamilyQuotient(quotient=int(data["quotientFamilial"]), month=int(data["mois"]), year=int(data["annee"]))
    except (ValueError, KeyError, TypeError) as error:
        raise ConnectorUnavailable(f"réponse illisible: {error}") from error


def _message(response: Any) -> str:
    try:
        return str(response.json().get("message") or response.json().get("reason") or "")
    except ValueError:
        return response.text[:200]

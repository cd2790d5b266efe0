"""A local double of API Particulier's family-quotient endpoint, speaking its protocol (v2 shape).

Used by the demo (mounted under /connecteurs-demo/ in demo mode) and by the tests (served by a small
threaded HTTP server). Its beneficiaries are fictional.
"""

from __future__ import annotations

from typing import Any

DEMO_TOKEN = "demo"  # noqa: S105 - the fictional double's key, published in the docs
BENEFICIARIES = {
    # (numeroAllocataire, codePostal): the CNAF's answer
    ("0000354", "99100"): {
        "quotientFamilial": 732,
        "mois": 10,
        "annee": 2026,
        "allocataires": [{"nomPrenom": "CAMILLE MARTIN", "dateDeNaissance": "14071985", "sexe": "F"}],
        "enfants": [{"nomPrenom": "LEA MARTIN", "dateDeNaissance": "03092018", "sexe": "F"}],
        "adresse": {
            "identite": "Madame CAMILLE MARTIN",
            "numeroRue": "12 RUE DE LA REPUBLIQUE",
            "codePostalVille": "99100 ADMIVILLE",
            "pays": "FRANCE",
        },
    },
}


def answer(path: str, params: dict[str, str], api_key: str) -> tuple[int, dict[str, Any]]:
    """(HTTP status, JSON body) for a GET on ``path``."""
    if not api_key or api_key != DEMO_TOKEN:
        return 401, {"error": "access_denied", "reason": "Token not found or inactive", "message": "Jeton invalide."}
    if not path.rstrip("/").endswith("/api/v2/composition-familiale"):
        return 404, {"error": "not_found", "reason": "Route not found", "message": "Ressource inconnue."}
    numero, code = params.get("numeroAllocataire", ""), params.get("codePostal", "")
    if not numero or not code:
        return 400, {"error": "bad_request", "reason": "Missing parameters", "message": "Paramètres manquants."}
    if numero == "5555555":  # a CAF outage, to show the fallback
        return 503, {"error": "provider_unavailable", "reason": "CNAF", "message": "La CNAF ne répond pas."}
    found = BENEFICIARIES.get((numero, code))
    if found is None:
        return 404, {"error": "not_found", "reason": "Dossier allocataire inexistant", "message": "Dossier inconnu."}
    return 200, found

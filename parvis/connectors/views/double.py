"""The local API Particulier double, mounted in demo mode only (parvis/connectors/double.py)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from parvis.connectors.double import answer


@require_GET
def api_particulier(request: HttpRequest, rest: str) -> JsonResponse:
    status, body = answer("/" + rest, request.GET.dict(), request.headers.get("X-Api-Key", ""))
    return JsonResponse(body, status=status)

"""The inbound webhook: a mail provider (or a Postfix pipe) posts the raw MIME of each message.

``POST /inbox/<address id>/mime/`` on the organisation's hostname, body = the message exactly as
received (``message/rfc822``), header ``Authorization: Bearer <secret>``. Answers: 201 stored
(``{"id", "status", "case"}``), 200 already received (same Message-ID: a retry changes nothing),
401 no secret, 403 wrong secret, 413 too large (25 MB), 400 empty body, 404 unknown address.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from parvis.inbox.access import get_address_for_webhook
from parvis.inbox.enums import Source
from parvis.inbox.services import MAX_RAW_BYTES, ingest_message, webhook_secret_matches


def _error(status: int, text: str) -> JsonResponse:
    response = JsonResponse({"error": text}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="parvis-inbox"'
    return response


@csrf_exempt
@require_POST
def mime(request: HttpRequest, pk: int) -> HttpResponse:
    """As a mail provider, I hand over one message received at the commune's address."""
    address = get_address_for_webhook(request, pk)
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not header[7:].strip():
        return _error(401, "Secret manquant (Authorization: Bearer).")
    if not webhook_secret_matches(address, header[7:].strip()):
        return _error(403, "Secret invalide.")
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_RAW_BYTES:
        return _error(413, "Message trop volumineux (25 Mo au plus).")
    raw = request.read(MAX_RAW_BYTES + 1)  # the stream, not request.body (limited to 2.5 MB)
    if len(raw) > MAX_RAW_BYTES:
        return _error(413, "Message trop volumineux (25 Mo au plus).")
    if not raw.strip():
        return _error(400, "Corps vide : envoyez le message MIME brut.")
    result = ingest_message(raw=raw, source=Source.WEBHOOK, address=address)
    message = result.message
    return JsonResponse(
        {
            "id": message.pk,
            "status": message.status,
            "reason": message.reason,
            "case": message.case.reference if message.case_id and message.case is not None else None,
            "duplicate": not result.created,
        },
        status=201 if result.created else 200,
    )

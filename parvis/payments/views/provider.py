"""What payment providers call: the automatic notification; and the demo's simulated bank.

The notification is public (the provider has no session), CSRF-exempt and POST only. Its answer:
200 when handled (including a replay, which changes nothing), 400 when refused (unknown
transaction, unreadable or unsigned, amount different), 503 when the provider could not be asked
to confirm (it will notify again, and the periodic job checks anyway).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from parvis.payments import services
from parvis.payments.enums import Backend, NotificationOutcome, TransactionStatus
from parvis.payments.models import PaymentTransaction

STATUS_CODES: dict[str, int] = {
    NotificationOutcome.APPLIED: 200,
    NotificationOutcome.REPLAYED: 200,
    NotificationOutcome.WAITING: 200,
    NotificationOutcome.UNKNOWN: 400,
    NotificationOutcome.INVALID: 400,
    NotificationOutcome.TAMPERED: 400,
    NotificationOutcome.UNAVAILABLE: 503,
}


@csrf_exempt
@require_POST
def notification(request: HttpRequest) -> HttpResponse:
    """As the payment provider, I tell Parvis how a payment ended (the answer is confirmed with me)."""
    if request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        payload = request.POST.urlencode()  # the form fields PayFiP (idOp) or the dummy backend post
    else:
        payload = request.body.decode("utf-8", errors="replace")
    if not payload and request.META.get("QUERY_STRING"):
        payload = request.META["QUERY_STRING"]
    outcome = services.handle_notification(organisation=getattr(request, "organisation", None), payload=payload)
    return HttpResponse(outcome, status=STATUS_CODES.get(outcome, 400), content_type="text/plain; charset=utf-8")


def _simulated_transaction(request: HttpRequest, transaction_id: str) -> PaymentTransaction:
    from django.conf import settings

    from parvis.payments.backends import dummy_allowed

    organisation = getattr(request, "organisation", None)
    if not (settings.DEMO and dummy_allowed()) or organisation is None or not transaction_id:
        raise Http404("Page disponible uniquement en mode démonstration.")
    tx = PaymentTransaction.objects.filter(
        organisation=organisation, backend=Backend.DUMMY, provider_id=transaction_id
    ).first()
    if tx is None or tx.user_id is None or tx.user_id != request.user.pk:
        raise Http404("Paiement introuvable.")
    return tx


@require_http_methods(["GET", "POST"])
def simulated_bank(request: HttpRequest) -> HttpResponse:
    """Demo only: stands in for eopayment's dummy payment site. No money moves.

    It shows the request eopayment's dummy backend built; the chosen answer is sent as that backend's
    own notification (``transaction_id``, ``signed``, ``ok`` or a reason), handled exactly as a
    provider's POST, then the browser goes back to the return page, which shows the recorded result.
    """
    fields = {k: v[0] for k, v in parse_qs(request.META.get("QUERY_STRING", "")).items()}
    tx = _simulated_transaction(request, fields.get("transaction_id", ""))
    if request.method == "POST":
        choice = request.POST.get("choice", "")
        answer = {"transaction_id": tx.provider_id, "signed": "1", "amount": fields.get("amount", "")}
        if choice == "pay":
            answer["ok"] = "1"
        elif choice == "refuse":
            answer["reason"] = "refused"
        else:
            answer["reason"] = "cancelled"
        if tx.status == TransactionStatus.PENDING:
            services.handle_notification(organisation=request.organisation, payload=urlencode(answer))  # type: ignore[attr-defined]
        return redirect("payments:payment_return", token=tx.token)
    return render(
        request,
        "payments/demo/simulated_bank.html",
        {"tx": tx, "fields": fields, "query": request.META.get("QUERY_STRING", "")},
    )

"""Acknowledgments from the agent's case page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from parvis.accounts.access import agent_required
from parvis.cases.access import get_case_for_agent
from parvis.legal.acknowledgments import issue_receipt
from parvis.legal.enums import AcknowledgmentKind
from parvis.legal.models import Acknowledgment


@require_POST
@agent_required()
def issue_receipt_view(request: HttpRequest, reference: str) -> HttpResponse:
    """As an agent, I issue the accusé de réception of a case that has none (a case taken from a history)."""
    case = get_case_for_agent(request, reference, write=True)
    if Acknowledgment.objects.filter(case=case, kind=AcknowledgmentKind.RECEIPT).exists():
        messages.info(request, "Cette demande a déjà un accusé de réception : réimprimez-le depuis la page.")
    elif not case.is_open:
        messages.error(request, "Cette demande est close : l'accusé de réception n'est plus établi.")
    else:
        acknowledgment = issue_receipt(case=case, actor=request.user)
        sent = " et envoyé par courriel" if acknowledgment.message_id else ""
        messages.success(request, f"L'accusé de réception est établi{sent}. Vous pouvez l'imprimer.")
    return redirect("cases:detail", reference=case.reference)

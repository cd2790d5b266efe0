"""Decisions: the attestation of implicit acceptance (L232-3) on request, the capacity agents sign in.

The attestation is asked for with a POST from the case page: by the requester in « Mes demandes »,
by a person following the case with its tracking code, or by an agent. The first request makes it,
later ones give the same document; the page then offers it for download.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from parvis.accounts.access import agent_required
from parvis.cases.access import get_case_for_agent, get_case_for_citizen, get_tracked_case
from parvis.cases.models import Case
from parvis.legal.decisions import DecisionError, issue_attestation, set_signing_title

ATTESTATION_READY = "L'attestation de décision implicite d'acceptation est prête : téléchargez-la ci-dessous."


def _actor(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def _attest(request: HttpRequest, case: Case, back: str) -> HttpResponse:
    try:
        issue_attestation(case=case, actor=_actor(request))
    except DecisionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, ATTESTATION_READY)
    return redirect(back + "#decision")


@require_POST
@login_required
def my_attestation(request: HttpRequest, reference: str) -> HttpResponse:
    """As a resident whose request was accepted by silence, I obtain the attestation (L232-3)."""
    case = get_case_for_citizen(request, reference)
    return _attest(request, case, reverse("cases:my_case", kwargs={"reference": case.reference}))


@require_POST
def tracked_attestation(request: HttpRequest, reference: str) -> HttpResponse:
    """The same, for a person following the case with its tracking code (no account)."""
    case = get_tracked_case(request, reference)
    return _attest(request, case, reverse("cases:tracked_case", kwargs={"reference": case.reference}))


@require_POST
@agent_required()
def agent_attestation(request: HttpRequest, reference: str) -> HttpResponse:
    """As an agent, I issue the attestation for a requester who asks at the counter or by mail."""
    case = get_case_for_agent(request, reference, write=True)
    return _attest(request, case, reverse("cases:detail", kwargs={"reference": case.reference}))


@require_POST
@agent_required()
def signing_title(request: HttpRequest) -> HttpResponse:
    """As an agent, I say in which capacity I sign decisions (« Adjointe au maire déléguée à… »)."""
    organisation = request.organisation  # type: ignore[attr-defined]
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False):
        back = reverse("cases:queue")
    try:
        set_signing_title(
            user=request.user, organisation=organisation, title=request.POST.get("title", ""), actor=request.user
        )
    except DecisionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Votre qualité est enregistrée : elle figurera sur vos décisions.")
    return redirect(back)

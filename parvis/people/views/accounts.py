"""The record of a case's requester account, made on demand from the case page (issue 5).

A resident who filed online has an account but, until they come to a desk, no record in the
commune's directory: « Ouvrir la fiche de la personne » makes it from the account and opens
their 360° page.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from parvis.accounts.access import agent_required
from parvis.cases.access import get_case_for_agent
from parvis.people.access import may_see_people
from parvis.people.services import person_for_user


@require_POST
@agent_required()  # the case's gate answers 404 for another's case, then 403 without a people role
def for_case(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_agent(request, reference)
    if not may_see_people(request):
        raise PermissionDenied("Votre rôle ne donne pas accès aux fiches des personnes.")
    if case.person_id:
        return redirect("people:detail", pk=case.person_id)
    if case.requester is None:
        raise Http404("Cette demande n'a pas été déposée avec un compte.")
    person = person_for_user(organisation=case.organisation, user=case.requester, actor=request.user, request=request)
    return redirect("people:detail", pk=person.pk)

"""The one gate for a counter filing taken from a URL (404 for another commune's, 403 without a counter role)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from parvis.counter.models import AssistedFiling
from parvis.people.access import PEOPLE_ROLES, may_see_people

# Who works at the counter (and files on someone's behalf by phone, mail or at home): the people roles.
COUNTER_ROLES = PEOPLE_ROLES


def get_filing_for_agent(request: HttpRequest, pk: int) -> AssistedFiling:
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        raise Http404("Aucune collectivité n'est servie à cette adresse.")
    filing = (
        AssistedFiling.objects.select_related(
            "person", "draft", "draft__procedure", "draft__version", "case", "agent", "draft__submitted_case"
        )
        .filter(organisation=organisation, pk=pk)
        .first()
    )
    if filing is None:
        raise Http404("Démarche introuvable.")
    if not may_see_people(request):
        raise PermissionDenied("Votre rôle ne donne pas accès à l'accueil.")
    return filing

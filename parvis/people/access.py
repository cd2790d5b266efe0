"""The one gate for a person taken from a URL (404 for another tenant's, 403 without a counter role)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from parvis.accounts.access import roles_in
from parvis.accounts.enums import Role
from parvis.people.models import Person

# Who may look up, create and see people (the 360° view): counter, back office, administrators.
PEOPLE_ROLES = (Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE)


def may_see_people(request: HttpRequest) -> bool:
    return bool(roles_in(request) & set(PEOPLE_ROLES))


def get_person_for_agent(request: HttpRequest, pk: int) -> Person:
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        raise Http404("Aucune collectivité n'est servie à cette adresse.")
    person = Person.objects.select_related("user", "merged_into").filter(organisation=organisation, pk=pk).first()
    if person is None:
        raise Http404("Personne introuvable.")
    if not may_see_people(request):
        raise PermissionDenied("Votre rôle ne donne pas accès aux fiches des personnes.")
    return person

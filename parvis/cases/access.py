"""The gates for cases taken from a URL. Views never look a case up any other way."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest

from parvis.accounts.access import memberships_in
from parvis.accounts.enums import Role
from parvis.cases.models import Case, CaseQuerySet
from parvis.cases.services import tracking_code_matches


def cases_visible_to_agent(request: HttpRequest) -> CaseQuerySet:
    """The current organisation's cases this agent may see.

    A membership without department (front office, administrator, elected official...) sees
    every case of the organisation; one limited to a department sees that department's cases
    and the cases assigned to the agent.
    """
    organisation = getattr(request, "organisation", None)
    memberships = memberships_in(request)
    if organisation is None or not memberships:
        return Case.objects.none()
    cases = Case.objects.filter(organisation=organisation)
    if any(m.department_id is None for m in memberships):
        return cases
    departments = {m.department_id for m in memberships}
    return cases.filter(Q(department_id__in=departments) | Q(assigned_to=request.user))


def get_case_for_agent(request: HttpRequest, reference: str, *, write: bool = False) -> Case:
    """A case of the current organisation that this agent may see (404 otherwise).

    ``write=True`` also refuses read-only roles (elected officials) with 403.
    """
    case = (
        cases_visible_to_agent(request)
        .select_related("procedure", "version", "department", "assigned_to")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        raise Http404("Demande introuvable.")
    if write:
        roles = {m.role for m in memberships_in(request)}
        if roles <= {Role.ELECTED}:
            raise PermissionDenied("Votre rôle permet de consulter les demandes, pas de les traiter.")
    return case


def get_case_for_citizen(request: HttpRequest, reference: str) -> Case:
    """The logged-in requester's own case, filed with the current organisation (404 otherwise)."""
    organisation = getattr(request, "organisation", None)
    if organisation is None or not request.user.is_authenticated:
        raise Http404("Demande introuvable.")
    case = (
        Case.objects.select_related("procedure", "version")
        .filter(organisation=organisation, reference=reference, requester=request.user)
        .first()
    )
    if case is None:
        raise Http404("Demande introuvable.")
    return case


def get_case_by_tracking_code(request: HttpRequest, reference: str, code: str) -> Case:
    """A case followed without an account: the reference plus its secret tracking code."""
    organisation = getattr(request, "organisation", None)
    case = None
    if organisation is not None:
        case = (
            Case.objects.select_related("procedure", "version")
            .filter(organisation=organisation, reference=reference.strip().upper())
            .first()
        )
    if case is None or not tracking_code_matches(case, code):
        raise Http404("Aucune demande ne correspond à cette référence et à ce code de suivi.")
    return case

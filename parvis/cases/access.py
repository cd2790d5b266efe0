"""The gates for cases taken from a URL. Views never look a case up any other way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest

from parvis.accounts.access import memberships_in
from parvis.accounts.enums import Role
from parvis.accounts.models import Membership
from parvis.cases.models import Case, CaseDocument, CaseQuerySet
from parvis.cases.services import tracking_code_matches
from parvis.organisations.models import Organisation


def cases_visible_to_member(
    *, user: Any, organisation: Organisation | None, memberships: Sequence[Membership]
) -> CaseQuerySet:
    """The cases of ``organisation`` that ``user``, holding ``memberships`` there, may see.

    A membership without department (front office, administrator, elected official...) sees
    every case of the organisation; one limited to a department sees that department's cases
    and the cases assigned to the agent. ``memberships`` are those reaching the organisation
    (``Membership.objects.reaching``); shared by the back office and the API.
    """
    if organisation is None or not memberships:
        return Case.objects.none()
    cases = Case.objects.filter(organisation=organisation)
    if any(m.department_id is None for m in memberships):
        return cases
    departments = {m.department_id for m in memberships}
    return cases.filter(Q(department_id__in=departments) | Q(assigned_to=user))


def may_process_cases(memberships: Sequence[Membership]) -> bool:
    """Whether these memberships allow processing cases (read-only elected officials may not)."""
    return not {m.role for m in memberships} <= {Role.ELECTED}


def cases_visible_to_agent(request: HttpRequest) -> CaseQuerySet:
    """The current organisation's cases this agent may see (see ``cases_visible_to_member``)."""
    return cases_visible_to_member(
        user=request.user, organisation=getattr(request, "organisation", None), memberships=memberships_in(request)
    )


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
        if not may_process_cases(memberships_in(request)):
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


def cases_for_citizen(request: HttpRequest) -> CaseQuerySet:
    """The logged-in user's cases filed with the current organisation ("Mes demandes").

    One account serves the whole territory, but each commune shows only its own cases.
    """
    organisation = getattr(request, "organisation", None)
    if organisation is None or not request.user.is_authenticated:
        return Case.objects.none()
    return Case.objects.filter(organisation=organisation, requester=request.user)


# Cases unlocked in this browser session with their reference and tracking code (ids).
TRACKED_CASES_SESSION_KEY = "parvis_tracked_cases"
TRACKED_CASES_MAX = 20


def remember_tracked_case(request: HttpRequest, case: Case) -> None:
    """Remember in the session that its holder gave this case's tracking code."""
    tracked = [pk for pk in request.session.get(TRACKED_CASES_SESSION_KEY, []) if pk != case.pk]
    request.session[TRACKED_CASES_SESSION_KEY] = [*tracked, case.pk][-TRACKED_CASES_MAX:]


def get_tracked_case(request: HttpRequest, reference: str) -> Case:
    """A case of the current organisation unlocked in this session by its tracking code (404 otherwise)."""
    organisation = getattr(request, "organisation", None)
    unlocked = request.session.get(TRACKED_CASES_SESSION_KEY, [])
    case = None
    if organisation is not None and unlocked:
        case = (
            Case.objects.select_related("procedure", "version")
            .filter(organisation=organisation, reference=reference, pk__in=unlocked)
            .first()
        )
    if case is None:
        raise Http404("Demande introuvable : saisissez de nouveau sa référence et son code de suivi.")
    return case


def get_document_for_requester(case: Case, pk: int) -> CaseDocument:
    """A document of ``case`` that its requester may download (404 for internal documents).

    ``case`` must come from ``get_case_for_citizen`` or ``get_tracked_case``.
    """
    document = case.documents.filter(pk=pk, visible_to_citizen=True).first()
    if document is None:
        raise Http404("Document introuvable.")
    return document

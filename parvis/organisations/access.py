"""Access checks for the objects an administrator opens from a URL.

Each function takes the request and the id read from the URL, and returns the object only
if it belongs to the organisation served on this hostname and the user administers it.
The object is looked up first: another organisation's object is a 404 for everyone (its
existence is not revealed, whatever the visitor's role), then a missing role is a 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from parvis.accounts.access import roles_in
from parvis.accounts.enums import Role
from parvis.accounts.models import Membership, User
from parvis.organisations.models import Department, Organisation


def _served_organisation(request: HttpRequest) -> Organisation:
    organisation: Organisation | None = getattr(request, "organisation", None)
    if organisation is None:
        raise Http404("Aucune collectivité n'est servie à cette adresse.")
    return organisation


def _require_admin(request: HttpRequest) -> None:
    """Administrators of the organisation, or of its EPCI, only."""
    if Role.ADMIN not in roles_in(request):
        raise PermissionDenied("Seuls les administrateurs de la collectivité peuvent faire cela.")


def get_department_for_admin(request: HttpRequest, pk: int) -> Department:
    """A department of the organisation served here, for its administrators."""
    organisation = _served_organisation(request)
    department = Department.objects.filter(organisation=organisation, pk=pk).first()
    if department is None:
        raise Http404("Ce service n'existe pas dans cette collectivité.")
    _require_admin(request)
    return department


def get_membership_for_admin(request: HttpRequest, pk: int) -> Membership:
    """A role held in the organisation served here (not one held in its EPCI), for its administrators."""
    organisation = _served_organisation(request)
    membership = (
        Membership.objects.filter(organisation=organisation, pk=pk)
        .select_related("user", "organisation", "department")
        .first()
    )
    if membership is None:
        raise Http404("Cette habilitation n'existe pas dans cette collectivité.")
    _require_admin(request)
    return membership


def get_agent_for_admin(request: HttpRequest, pk: int) -> User:
    """A person holding at least one role in the organisation served here, for its administrators."""
    organisation = _served_organisation(request)
    agent = User.objects.filter(pk=pk, memberships__organisation=organisation).distinct().first()
    if agent is None:
        raise Http404("Cet agent n'existe pas dans cette collectivité.")
    _require_admin(request)
    return agent

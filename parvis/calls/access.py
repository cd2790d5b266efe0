"""The gates for calls and call subjects taken from a URL (404 for other tenants)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from parvis.accounts.access import roles_in
from parvis.accounts.enums import Role
from parvis.calls.models import Call, CallSubject
from parvis.organisations.models import Organisation

# Who logs and handles calls; elected officials only read the statistics.
CALL_ROLES = (Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE)
STATISTICS_ROLES = (Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.ELECTED)


def _organisation(request: HttpRequest) -> Organisation:
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        raise Http404("Aucune collectivité n'est servie à cette adresse.")
    return organisation


def get_call_for_agent(request: HttpRequest, pk: int) -> Call:
    call = (
        Call.objects.select_related("subject", "agent", "caller_user", "case", "transferred_to")
        .filter(organisation=_organisation(request), pk=pk)
        .first()
    )
    if call is None:
        raise Http404("Appel introuvable.")
    return call


def get_subject_for_admin(request: HttpRequest, pk: int) -> CallSubject:
    subject = CallSubject.objects.filter(organisation=_organisation(request), pk=pk).first()
    if subject is None:
        raise Http404("Sujet introuvable.")
    if Role.ADMIN not in roles_in(request):  # the object first (404 for another's), then the role (403)
        raise PermissionDenied("Seuls les administrateurs de la collectivité peuvent faire cela.")
    return subject

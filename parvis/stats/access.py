"""Who sees which statistics. Views call these; every department taken from a URL goes through
``get_department_for_stats`` (404 for another organisation's, 403 without the right)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from parvis.accounts.access import memberships_in, roles_in
from parvis.accounts.enums import Role
from parvis.organisations.models import Department, Organisation
from parvis.stats.models import Export

MANAGER_ROLES = {Role.ADMIN, Role.ELECTED}


def current_organisation(request: HttpRequest) -> Organisation:
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        raise Http404("Aucune collectivité n'est servie à cette adresse.")
    return organisation


def organisation_ids(organisation: Organisation) -> list[int]:
    """The organisations whose figures add up here: a commune alone; an EPCI with its communes."""
    if organisation.is_epci:
        return [organisation.pk, *Organisation.objects.communes_of(organisation).values_list("pk", flat=True)]
    return [organisation.pk]


def is_manager(request: HttpRequest) -> bool:
    """Administrators (and the EPCI's) and elected officials see the whole organisation's statistics."""
    return bool(roles_in(request) & MANAGER_ROLES)


def require_manager(request: HttpRequest) -> None:
    if not is_manager(request):
        raise PermissionDenied("Le tableau de bord de la collectivité est réservé aux élus et aux administrateurs.")


def stats_departments(request: HttpRequest) -> list[int]:
    """The departments whose dashboard this agent may open (all of them for managers and for agents
    whose membership is not limited to a department, as in the queue)."""
    organisation = current_organisation(request)
    memberships = memberships_in(request)
    if is_manager(request) or any(m.department_id is None for m in memberships):
        return list(Department.objects.filter(organisation=organisation).values_list("pk", flat=True))
    return sorted({m.department_id for m in memberships if m.department_id})


def get_department_for_stats(request: HttpRequest, pk: int) -> Department:
    """A department of the organisation served here (404 otherwise) that this agent may see (403 otherwise)."""
    organisation = current_organisation(request)
    department = Department.objects.filter(organisation=organisation, pk=pk).first()
    if department is None:
        raise Http404("Service introuvable.")
    if pk not in stats_departments(request):
        raise PermissionDenied("Vous ne voyez que les statistiques de votre service.")
    return department


def get_export_for_user(request: HttpRequest, pk: int) -> Export:
    """An export of the organisation served here (404 otherwise), asked by this user or seen by an
    administrator (403 otherwise)."""
    organisation = current_organisation(request)
    export = Export.objects.filter(organisation=organisation, pk=pk).select_related("requested_by").first()
    if export is None:
        raise Http404("Export introuvable.")
    if export.requested_by_id != request.user.pk and Role.ADMIN not in roles_in(request):
        raise PermissionDenied("Cet export a été demandé par un autre agent.")
    return export


def exports_visible(request: HttpRequest) -> QuerySet[Export]:
    """The exports of the organisation served here this agent may open: theirs; every one for administrators."""
    exports = Export.objects.filter(organisation=current_organisation(request))
    if Role.ADMIN not in roles_in(request):
        exports = exports.filter(requested_by=request.user.pk)
    return exports.order_by("-created_at", "-pk")

"""Who sees and does what with interventions; every intervention or team taken from a URL goes
through a function here (404 for another tenant's object or one outside the agent's scope, then
403 for a role that may not act).

- administrators (and the EPCI's), elected officials: every intervention of the organisation
  (elected officials read only);
- back office: their departments' interventions (all of them without a department); they plan and
  validate them (the supervisors);
- field agents: their teams' interventions only; they start them and record the field report.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from parvis.accounts.access import memberships_in, roles_in
from parvis.accounts.enums import Role
from parvis.interventions.models import Intervention, Team
from parvis.organisations.models import Organisation

SUPERVISOR_ROLES = (Role.ADMIN, Role.BACK_OFFICE)
READ_ROLES = (Role.ADMIN, Role.BACK_OFFICE, Role.ELECTED)
FIELD_ROLES = (Role.FIELD, Role.ADMIN, Role.BACK_OFFICE)


def _organisation(request: HttpRequest) -> Organisation:
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        raise Http404("Aucune collectivité n'est servie à cette adresse.")
    return organisation


def _scope(request: HttpRequest) -> Q | None:
    """The filter on the organisation's interventions this agent may see; None for all of them."""
    organisation = _organisation(request)
    q = Q(team__members=request.user) if request.user.is_authenticated else Q(pk__in=[])
    for m in memberships_in(request):
        if m.organisation_id != organisation.pk or m.role in (Role.ADMIN, Role.ELECTED):
            return None
        if m.role == Role.BACK_OFFICE:
            if m.department_id is None:
                return None
            q |= Q(department_id=m.department_id) | Q(team__department_id=m.department_id)
    return q


def interventions_visible_to_agent(request: HttpRequest) -> QuerySet[Intervention]:
    organisation = _organisation(request)
    if not memberships_in(request):
        return Intervention.objects.none()
    found = Intervention.objects.filter(organisation=organisation)
    scope = _scope(request)
    if scope is None:
        return found
    return found.filter(pk__in=Intervention.objects.filter(scope).values("pk"))


def teams_visible_to_agent(request: HttpRequest) -> QuerySet[Team]:
    """Teams shown in the plan: all of the organisation's for administrators and elected officials,
    those of one's departments for the back office, one's own teams for field agents."""
    organisation = _organisation(request)
    teams = Team.objects.filter(organisation=organisation)
    if not memberships_in(request):
        return teams.none()
    q = Q(members=request.user)
    for m in memberships_in(request):
        if m.organisation_id != organisation.pk or m.role in (Role.ADMIN, Role.ELECTED):
            return teams
        if m.role == Role.BACK_OFFICE:
            if m.department_id is None:
                return teams
            q |= Q(department_id=m.department_id)
    return teams.filter(pk__in=Team.objects.filter(q).values("pk"))


def is_supervisor(request: HttpRequest) -> bool:
    return bool(roles_in(request).intersection(SUPERVISOR_ROLES))


def may_do_field_work(request: HttpRequest, intervention: Intervention) -> bool:
    """Members of the intervention's team, and supervisors (who may record a report for them)."""
    if is_supervisor(request):
        return True
    return bool(
        intervention.team_id
        and Role.FIELD in roles_in(request)
        and intervention.team is not None
        and intervention.team.members.filter(pk=request.user.pk).exists()
    )


def get_intervention_for_agent(request: HttpRequest, pk: int, *, act: str = "read") -> Intervention:
    """An intervention this agent may see (404 otherwise); ``act="supervise"`` (plan, validate,
    return, cancel) or ``act="field"`` (start, field report) also checks the role (403)."""
    intervention = (
        interventions_visible_to_agent(request)
        .select_related("case", "team", "department", "assigned_to", "created_by", "validated_by")
        .filter(pk=pk)
        .first()
    )
    if intervention is None:
        raise Http404("Intervention introuvable.")
    if act == "supervise" and not is_supervisor(request):
        raise PermissionDenied("Seuls les responsables du service planifient et valident les interventions.")
    if act == "field" and not may_do_field_work(request, intervention):
        raise PermissionDenied("Seuls les agents de l'équipe peuvent faire cela.")
    return intervention


def get_team_for_supervisor(request: HttpRequest, pk: int) -> Team:
    team = teams_visible_to_agent(request).select_related("department").filter(pk=pk).first()
    if team is None:
        raise Http404("Équipe introuvable.")
    if not is_supervisor(request):
        raise PermissionDenied("Seuls les responsables du service gèrent les équipes.")
    return team


def user_label(user: Any) -> str:
    return (user.get_full_name() or user.email) if user is not None else ""

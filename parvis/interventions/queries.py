"""Reads of interventions, always scoped to one organisation (and, from a request, to the agent's
scope — see ``access``)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case as When_
from django.db.models import IntegerField, QuerySet, Value, When
from django.utils import timezone

from parvis.accounts.enums import Role
from parvis.accounts.models import User
from parvis.interventions.enums import OPEN, PRIORITY_RANK, UNFINISHED, Status
from parvis.interventions.models import Intervention, Team
from parvis.organisations.models import Organisation

RELATED = ("case", "team", "assigned_to")


def _by_priority(interventions: QuerySet[Intervention]) -> QuerySet[Intervention]:
    rank = When_(*[When(priority=p, then=Value(r)) for p, r in PRIORITY_RANK.items()], output_field=IntegerField())
    return interventions.annotate(priority_rank=rank).order_by("priority_rank", "due_on", "pk")


def week_interventions(visible: QuerySet[Intervention], week: dt.date) -> QuerySet[Intervention]:
    """Everything planned for ``week`` (its Monday), cancelled ones excepted."""
    return _by_priority(visible.filter(planned_week=week).exclude(status=Status.CANCELLED).select_related(*RELATED))


def backlog(visible: QuerySet[Intervention]) -> QuerySet[Intervention]:
    """Interventions waiting for a team and a week."""
    return _by_priority(visible.filter(status=Status.TO_PLAN).select_related(*RELATED))


def awaiting_validation(visible: QuerySet[Intervention]) -> QuerySet[Intervention]:
    return visible.filter(status=Status.DONE).select_related(*RELATED, "report").order_by("report__submitted_at", "pk")


@dataclass
class TeamColumn:
    team: Team | None
    interventions: list[Intervention] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.team.name if self.team is not None else "Sans équipe"


def week_plan(visible: QuerySet[Intervention], teams: QuerySet[Team], week: dt.date) -> list[TeamColumn]:
    """One column per active team (in the agent's scope), with the week's interventions; two queries."""
    columns = {team.pk: TeamColumn(team=team) for team in teams.filter(is_active=True).order_by("name")}
    orphans = TeamColumn(team=None)
    for intervention in week_interventions(visible, week):
        column = columns.get(intervention.team_id or 0)
        if column is None and intervention.team_id and intervention.team is not None:
            column = columns.setdefault(intervention.team_id, TeamColumn(team=intervention.team))
        (column or orphans).interventions.append(intervention)
    result = list(columns.values())
    if orphans.interventions:
        result.append(orphans)
    return result


@dataclass
class FieldAgentDay:
    today: list[Intervention]
    week: list[Intervention]
    returned: list[Intervention]
    waiting: list[Intervention]


def mine(user: User, organisation: Organisation, *, today: dt.date | None = None) -> FieldAgentDay:
    """A field agent's interventions: those of his teams this week (and earlier ones not done).

    « Aujourd'hui »: in progress, urgent, due by today or assigned to him; « Cette semaine »: the
    rest of the week; « À reprendre »: returned by the supervisor; « En attente de validation »."""
    from parvis.interventions.weeks import current_week

    today = today or timezone.localdate()
    week = current_week(today)
    interventions = _by_priority(
        Intervention.objects.filter(
            organisation=organisation, team__members=user, team__is_active=True, status__in=OPEN
        )
        .exclude(status=Status.TO_PLAN)
        .filter(planned_week__lte=week)
        .select_related("case", "team", "assigned_to", "report")
    )
    day = FieldAgentDay(today=[], week=[], returned=[], waiting=[])
    for intervention in interventions:
        report = getattr(intervention, "report", None) if intervention.status != Status.PLANNED else None
        if intervention.status == Status.DONE:
            day.waiting.append(intervention)
        elif report is not None and report.returned_at:
            day.returned.append(intervention)
        elif (
            intervention.status == Status.IN_PROGRESS
            or intervention.priority == "urgente"
            or (intervention.due_on is not None and intervention.due_on <= today)
            or intervention.assigned_to_id == user.pk
        ):
            day.today.append(intervention)
        else:
            day.week.append(intervention)
    return day


def interventions_of_case(visible: QuerySet[Intervention], case: Any) -> list[Intervention]:
    return list(visible.filter(case=case).select_related("team").order_by("created_at", "pk"))


def field_agents(organisation: Organisation) -> QuerySet[User]:
    """Agents who may join a team: the organisation's field agents (and its other agents, who may
    go out too), never another commune's."""
    return (
        User.objects.filter(memberships__organisation=organisation, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def field_agents_first(organisation: Organisation) -> list[User]:
    agents = list(field_agents(organisation))
    field_ids = set(
        User.objects.filter(memberships__organisation=organisation, memberships__role=Role.FIELD).values_list(
            "pk", flat=True
        )
    )
    return sorted(agents, key=lambda u: (u.pk not in field_ids, u.last_name, u.first_name, u.email))


def unfinished_of_past_weeks(today: dt.date | None = None) -> list[int]:
    """Ids of the interventions to roll over (every organisation)."""
    from parvis.interventions.weeks import current_week

    return list(
        Intervention.objects.filter(status__in=UNFINISHED, planned_week__lt=current_week(today))
        .order_by("planned_week", "pk")
        .values_list("pk", flat=True)
    )


# --- Measures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RepairDelays:
    """Delays from the case's submission to the validation of its repair, over a period."""

    start: dt.date
    end: dt.date
    delays: list[dt.timedelta]

    @property
    def count(self) -> int:
        return len(self.delays)

    @property
    def median(self) -> dt.timedelta | None:
        if not self.delays:
            return None
        ordered = sorted(self.delays)
        middle = len(ordered) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2

    @property
    def p90(self) -> dt.timedelta | None:
        """90th percentile, nearest-rank method (a delay that was actually observed)."""
        if not self.delays:
            return None
        ordered = sorted(self.delays)
        return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]

    @property
    def median_days(self) -> float | None:
        return None if self.median is None else round(self.median.total_seconds() / 86400, 1)

    @property
    def p90_days(self) -> float | None:
        return None if self.p90 is None else round(self.p90.total_seconds() / 86400, 1)


def repair_delays(
    organisation: Organisation, start: dt.date, end: dt.date, *, reports_only: bool = False
) -> RepairDelays:
    """Delay report → repair for the cases repaired between ``start`` and ``end`` (local dates,
    both included): from the case's ``submitted_at`` to the validation of its last intervention
    validated in the period (one delay per case). ``reports_only`` keeps street reports only."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    validated = Intervention.objects.filter(
        organisation=organisation, status=Status.VALIDATED, validated_at__gte=since, validated_at__lt=until
    )
    if reports_only:
        validated = validated.filter(case__report__isnull=False)
    last: dict[int, tuple[dt.datetime, dt.datetime]] = {}
    for case_id, submitted_at, validated_at in validated.values_list("case_id", "case__submitted_at", "validated_at"):
        if validated_at is None:
            continue
        if case_id not in last or validated_at > last[case_id][1]:
            last[case_id] = (submitted_at, validated_at)
    delays = [max(dt.timedelta(0), repaired - submitted) for submitted, repaired in last.values()]
    return RepairDelays(start=start, end=end, delays=delays)

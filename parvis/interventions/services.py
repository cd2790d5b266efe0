"""Every change to an intervention goes through these functions, each journaled and written into
the case's timeline: create, plan, start, field report, validate (closing the loop with the
resident), return to the field, cancel, and the automatic weekly rollover."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from parvis.audit.services import record_event
from parvis.cases.enums import EventKind
from parvis.cases.models import Case, CaseEvent
from parvis.interventions.enums import FINAL, UNFINISHED, Priority, Status
from parvis.interventions.models import Intervention, InterventionCounter, InterventionReport, Team
from parvis.interventions.weeks import current_week, monday_of, week_label
from parvis.lib.text import fold
from parvis.lib.uploads import CheckedUpload
from parvis.organisations.models import Department

logger = logging.getLogger("parvis.interventions")

MAX_MINUTES = 24 * 60
ROLLOVER_LABEL = "Report automatique des interventions"


class InterventionError(Exception):
    """A refusal shown to the agent as is (French). ``field`` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _summary(intervention: Intervention) -> dict[str, Any]:
    return {
        "number": intervention.number,
        "status": intervention.status,
        "team": intervention.team.name if intervention.team_id and intervention.team else None,
        "week": intervention.planned_week.isoformat() if intervention.planned_week else None,
        "priority": intervention.priority,
        "due_on": intervention.due_on.isoformat() if intervention.due_on else None,
        "assigned_to": intervention.assigned_to_id,
        "rollovers": intervention.rollover_count,
    }


def _timeline(
    intervention: Intervention, title: str, *, actor: Any, body: str = "", visible: bool = False
) -> CaseEvent:
    """A line in the case's timeline. Internal steps are notes; those the resident sees are shown
    with their title in both timelines (like the legal notices)."""
    from parvis.cases.services import _add_event

    event = _add_event(
        intervention.case,
        kind=EventKind.CHANNEL_USED if visible else EventKind.NOTE,
        title=title,
        body=body,
        actor=actor,
        visible=visible,
        data={"intervention": intervention.pk},
    )
    Case.objects.filter(pk=intervention.case_id).update(last_activity_at=event.created_at)
    return event


def _next_number(organisation: Any, year: int) -> str:
    """``I-2026-0007``: per organisation and year, gap-free, numbered under a row lock."""
    counter, _ = InterventionCounter.objects.get_or_create(organisation=organisation, year=year)
    counter = InterventionCounter.objects.select_for_update().get(pk=counter.pk)
    counter.value += 1
    counter.save(update_fields=["value"])
    return f"I-{year}-{counter.value:04d}"


def default_team(organisation: Any, department: Department | None) -> Team | None:
    """The department's team when it has exactly one active team."""
    if department is None:
        return None
    teams = list(Team.objects.filter(organisation=organisation, department=department, is_active=True)[:2])
    return teams[0] if len(teams) == 1 else None


def _report_of(case: Case) -> Any:
    from parvis.reports.models import Report

    return Report.objects.filter(case=case).first()


def _check_team(organisation: Any, team: Team | None) -> None:
    if team is not None and (team.organisation_id != organisation.pk or not team.is_active):
        raise InterventionError("Choisissez une équipe active de la collectivité.", "team")


def _check_week(week: dt.date | None, *, today: dt.date | None = None) -> dt.date | None:
    if week is None:
        return None
    week = monday_of(week)
    if week < current_week(today):
        raise InterventionError("Choisissez la semaine en cours ou une semaine à venir.", "planned_week")
    return week


def _check_agent(team: Team | None, agent: Any) -> None:
    if agent is None:
        return
    if team is None or not team.members.filter(pk=agent.pk).exists():
        raise InterventionError("L'agent désigné doit faire partie de l'équipe.", "assigned_to")


@transaction.atomic
def create_intervention(
    *,
    case: Case,
    title: str,
    description: str = "",
    priority: str = Priority.NORMAL,
    due_on: dt.date | None = None,
    team: Team | None = None,
    planned_week: dt.date | None = None,
    assigned_to: Any = None,
    location: str = "",
    actor: Any,
    request: HttpRequest | None = None,
) -> Intervention:
    """A work order for ``case``. Department and team default from the case; the place (text and
    coordinates) is copied from the street report when the case is one. Planned at once when a
    team and a week are given, otherwise « à planifier »."""
    organisation = case.organisation
    title = " ".join(title.split())
    if not title:
        raise InterventionError("Donnez un intitulé à l'intervention.", "title")
    if priority not in Priority.values:
        raise InterventionError("Choisissez une priorité.", "priority")
    department = case.department
    team = team or default_team(organisation, department)
    _check_team(organisation, team)
    week = _check_week(planned_week)
    if week is not None and team is None:
        raise InterventionError("Choisissez l'équipe qui interviendra cette semaine-là.", "team")
    _check_agent(team, assigned_to)
    report = _report_of(case)
    latitude = longitude = None
    if report is not None:
        location = location.strip() or report.address
        latitude, longitude = report.latitude, report.longitude
    intervention = Intervention.objects.create(
        organisation=organisation,
        case=case,
        number=_next_number(organisation, timezone.localdate().year),
        title=title,
        description=description.strip(),
        location=location.strip()[:300],
        latitude=latitude,
        longitude=longitude,
        priority=priority,
        due_on=due_on,
        department=team.department if team is not None and team.department_id else department,
        team=team,
        planned_week=week,
        status=Status.PLANNED if week is not None else Status.TO_PLAN,
        assigned_to=assigned_to,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _timeline(intervention, f"Intervention {intervention.number} créée : {title}", actor=actor)
    if week is not None:
        _timeline(
            intervention,
            f"Intervention {intervention.number} planifiée {week_label(week)}",
            actor=actor,
            body=f"Équipe : {team}.",
            visible=True,
        )
    record_event(
        action="intervention.created",
        actor=actor,
        organisation=organisation,
        obj=intervention,
        after=_summary(intervention) | {"case": case.reference},
        request=request,
    )
    return intervention


@transaction.atomic
def plan(
    *,
    intervention: Intervention,
    team: Team,
    week: dt.date,
    assigned_to: Any = None,
    actor: Any,
    request: HttpRequest | None = None,
) -> Intervention:
    """Give the intervention to a team for a week (planning again moves it; the rollover counter
    starts again from this new plan)."""
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if intervention.status not in (Status.TO_PLAN, Status.PLANNED, Status.IN_PROGRESS):
        raise InterventionError("Cette intervention ne peut plus être planifiée.")
    if team is None:
        raise InterventionError("Choisissez une équipe.", "team")
    _check_team(intervention.organisation, team)
    checked = _check_week(week)
    if checked is None:
        raise InterventionError("Choisissez une semaine.", "planned_week")
    _check_agent(team, assigned_to)
    before = _summary(intervention)
    intervention.team = team
    if team.department_id:
        intervention.department = team.department
    intervention.planned_week = checked
    intervention.assigned_to = assigned_to
    intervention.rollover_count = 0
    if intervention.status == Status.TO_PLAN:
        intervention.status = Status.PLANNED
    intervention.save()
    _timeline(
        intervention,
        f"Intervention {intervention.number} planifiée {week_label(checked)}",
        actor=actor,
        body=f"Équipe : {team}." + (f" Agent : {assigned_to.get_full_name()}." if assigned_to else ""),
        visible=True,
    )
    record_event(
        action="intervention.planned",
        actor=actor,
        organisation=intervention.organisation,
        obj=intervention,
        before=before,
        after=_summary(intervention),
        request=request,
    )
    return intervention


@transaction.atomic
def start(*, intervention: Intervention, actor: Any, request: HttpRequest | None = None) -> Intervention:
    """The field agent is on site."""
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if intervention.status != Status.PLANNED:
        raise InterventionError("Seule une intervention planifiée peut être commencée.")
    before = _summary(intervention)
    intervention.status = Status.IN_PROGRESS
    intervention.started_at = timezone.now()
    if intervention.assigned_to_id is None and getattr(actor, "is_authenticated", False):
        intervention.assigned_to = actor
    intervention.save()
    _timeline(intervention, f"Intervention {intervention.number} commencée", actor=actor)
    record_event(
        action="intervention.started",
        actor=actor,
        organisation=intervention.organisation,
        obj=intervention,
        before=before,
        after=_summary(intervention),
        request=request,
    )
    return intervention


@transaction.atomic
def submit_field_report(
    *,
    intervention: Intervention,
    time_spent_minutes: int,
    materials: str = "",
    comment: str = "",
    photo: CheckedUpload | None = None,
    done_at: dt.datetime | None = None,
    actor: Any,
    request: HttpRequest | None = None,
) -> InterventionReport:
    """The field agent records the work done: time spent, materials, an « after » photo (already
    re-encoded by ``check_upload``). The intervention waits for a supervisor's validation. After a
    return to the field, the report is completed again (the earlier photo is kept if none is sent)."""
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if intervention.status not in UNFINISHED:
        raise InterventionError("Le compte rendu ne peut être saisi que pour une intervention planifiée ou en cours.")
    if not 0 < time_spent_minutes <= MAX_MINUTES:
        raise InterventionError("Indiquez le temps passé, entre 1 et 1 440 minutes.", "time_spent_minutes")
    now = timezone.now()
    if done_at is not None and done_at > now + dt.timedelta(minutes=5):
        raise InterventionError("La date de réalisation ne peut pas être dans le futur.", "done_at")
    existing = InterventionReport.objects.filter(intervention=intervention).first()
    if photo is None and not (existing and existing.photo):
        raise InterventionError("Ajoutez une photo du lieu après l'intervention.", "photo")
    if photo is not None and not photo.content_type.startswith("image/"):
        raise InterventionError("La photo doit être une image (JPEG, PNG ou WebP).", "photo")
    report = existing or InterventionReport(intervention=intervention)
    report.done_at = done_at or now
    report.time_spent_minutes = time_spent_minutes
    report.materials = materials.strip()
    report.comment = comment.strip()
    report.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
    report.submitted_at = now
    if photo is not None:
        if report.photo:
            report.photo.delete(save=False)
        report.photo.save(f"{intervention.number}-apres.{photo.name.rsplit('.', 1)[-1]}", photo.content, save=False)
        report.photo_content_type = photo.content_type
    report.save()
    before = _summary(intervention)
    intervention.status = Status.DONE
    if intervention.started_at is None:
        intervention.started_at = report.done_at
    if intervention.assigned_to_id is None and report.submitted_by is not None:
        intervention.assigned_to = report.submitted_by
    intervention.save()
    _timeline(
        intervention,
        f"Intervention {intervention.number} terminée, à valider",
        actor=actor,
        body=f"Temps passé : {time_spent_minutes} min." + (f"\n{report.comment}" if report.comment else ""),
    )
    record_event(
        action="intervention.field_report",
        actor=actor,
        organisation=intervention.organisation,
        obj=intervention,
        before=before,
        after=_summary(intervention)
        | {"minutes": time_spent_minutes, "materials": report.materials, "photo": bool(report.photo)},
        request=request,
    )
    return report


def after_photo(report: InterventionReport) -> CheckedUpload | None:
    """The stored « after » photo as a checked upload (already re-encoded, metadata stripped), to hand
    to the report's followers or attach to a message."""
    if not report.photo:
        return None
    with report.photo.open("rb") as handle:
        data = handle.read()
    content_type = report.photo_content_type or "image/jpeg"
    extension = report.photo.name.rsplit(".", 1)[-1] if "." in report.photo.name else "jpg"
    name = f"photo-apres-intervention-{report.intervention.number}.{extension}"
    return CheckedUpload(
        name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=ContentFile(data, name=name),
    )


def default_citizen_message(intervention: Intervention) -> str:
    report = getattr(intervention, "report", None)
    when = timezone.localtime(report.done_at).strftime("%d/%m/%Y") if report is not None else ""
    return (
        f"Bonjour,\n\nL'intervention « {intervention.title} » liée à votre demande {intervention.case.reference} "
        f"a été réalisée{f' le {when}' if when else ''} par nos équipes. Vous trouverez ci-joint une photo "
        "du lieu après l'intervention.\n\nMerci de votre signalement."
    )


def _mark_repaired() -> Any:
    """``reports.services.mark_repaired`` (issue 7: tells every follower, opens the confirm/reopen window)."""
    try:
        from parvis.reports import services as report_services
    except ImportError:
        return None
    return getattr(report_services, "mark_repaired", None)


def _already_repaired(street_report: Any) -> bool:
    """Marked repaired from the report page already, and not reopened since: nobody is told twice."""
    from parvis.reports.enums import Feedback

    return street_report.repaired_at is not None and street_report.feedback != Feedback.REOPENED


@transaction.atomic
def validate(
    *,
    intervention: Intervention,
    notify_requester: bool = False,
    message: str = "",
    actor: Any,
    request: HttpRequest | None = None,
) -> Intervention:
    """The supervisor accepts the field report. When the case is a street report, everyone following
    it is told « réparé suite à votre signalement » with the after photo and may confirm or reopen
    (``reports.services.mark_repaired``); otherwise the requester is written to if asked."""
    intervention = Intervention.objects.select_for_update().select_related("case").get(pk=intervention.pk)
    if intervention.status != Status.DONE:
        raise InterventionError("Seule une intervention terminée peut être validée.")
    report = InterventionReport.objects.filter(intervention=intervention).first()
    if report is None:
        raise InterventionError("Le compte rendu de l'intervention manque.")
    before = _summary(intervention)
    intervention.status = Status.VALIDATED
    intervention.validated_by = actor if getattr(actor, "is_authenticated", False) else None
    intervention.validated_at = timezone.now()
    intervention.save()
    _timeline(intervention, f"Intervention {intervention.number} validée", actor=actor)
    street_report = _report_of(intervention.case)
    if street_report is not None and street_report.duplicate_of_id:
        street_report = street_report.duplicate_of  # its followers were moved to the main report
    mark_repaired = _mark_repaired() if street_report is not None else None
    told = ""
    if mark_repaired is not None:
        if _already_repaired(street_report):
            told = "already repaired"
        else:
            from parvis.reports.services import ReportError

            try:
                mark_repaired(
                    report=street_report,
                    photo=after_photo(report),
                    note=report.comment,
                    actor=actor,
                    request=request,
                )
            except ReportError as exc:
                raise InterventionError(str(exc)) from exc
            told = "followers"
    elif notify_requester:
        from parvis.cases.services import CaseError, message_citizen_with_document

        try:
            message_citizen_with_document(
                case=intervention.case,
                text=message.strip() or default_citizen_message(intervention),
                actor=actor,
                upload=after_photo(report),
            )
        except CaseError as exc:
            raise InterventionError(str(exc), "message") from exc
        told = "requester"
    record_event(
        action="intervention.validated",
        actor=actor,
        organisation=intervention.organisation,
        obj=intervention,
        before=before,
        after=_summary(intervention) | {"told": told},
        request=request,
    )
    return intervention


@transaction.atomic
def return_to_field(
    *, intervention: Intervention, comment: str, actor: Any, request: HttpRequest | None = None
) -> Intervention:
    """The supervisor sends the work back: it is in progress again, with the reason for the team."""
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if intervention.status != Status.DONE:
        raise InterventionError("Seule une intervention terminée peut être renvoyée sur le terrain.")
    comment = comment.strip()
    if not comment:
        raise InterventionError("Expliquez à l'équipe ce qui reste à faire.", "comment")
    report = InterventionReport.objects.get(intervention=intervention)
    report.returned_at = timezone.now()
    report.returned_by = actor if getattr(actor, "is_authenticated", False) else None
    report.return_comment = comment
    report.save(update_fields=["returned_at", "returned_by", "return_comment"])
    before = _summary(intervention)
    intervention.status = Status.IN_PROGRESS
    if intervention.planned_week is None or intervention.planned_week < current_week():
        intervention.planned_week = current_week()
    intervention.save()
    _timeline(intervention, f"Intervention {intervention.number} renvoyée sur le terrain", actor=actor, body=comment)
    record_event(
        action="intervention.returned_to_field",
        actor=actor,
        organisation=intervention.organisation,
        obj=intervention,
        before=before,
        after=_summary(intervention) | {"comment": comment},
        request=request,
    )
    return intervention


@transaction.atomic
def cancel(*, intervention: Intervention, reason: str, actor: Any, request: HttpRequest | None = None) -> Intervention:
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if intervention.status in FINAL:
        raise InterventionError("Cette intervention est déjà close.")
    reason = " ".join(reason.split())
    if not reason:
        raise InterventionError("Indiquez le motif de l'annulation.", "reason")
    before = _summary(intervention)
    intervention.status = Status.CANCELLED
    intervention.cancel_reason = reason[:300]
    intervention.save()
    _timeline(intervention, f"Intervention {intervention.number} annulée", actor=actor, body=reason)
    record_event(
        action="intervention.cancelled",
        actor=actor,
        organisation=intervention.organisation,
        obj=intervention,
        before=before,
        after=_summary(intervention) | {"reason": reason},
        request=request,
    )
    return intervention


@transaction.atomic
def roll_over(*, intervention: Intervention, today: dt.date | None = None) -> bool:
    """Move an unfinished intervention of a past week to the current week (no re-entry).

    The counter adds the weeks skipped, so running late or twice changes nothing: an intervention
    planned three weeks ago has been carried over three times. Returns whether it moved."""
    week = current_week(today)
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if intervention.status not in UNFINISHED or intervention.planned_week is None:
        return False
    if intervention.planned_week >= week:
        return False
    before = _summary(intervention)
    previous = intervention.planned_week
    intervention.rollover_count += (week - previous).days // 7
    intervention.planned_week = week
    intervention.save(update_fields=["rollover_count", "planned_week", "updated_at"])
    times = intervention.rollover_count
    _timeline(
        intervention,
        f"Intervention {intervention.number} reportée {week_label(previous)} à la {week_label(week)} ({times} fois)",
        actor=None,
    )
    record_event(
        action="intervention.rolled_over",
        actor=None,
        actor_label=ROLLOVER_LABEL,
        organisation=intervention.organisation,
        obj=intervention,
        before=before,
        after=_summary(intervention),
    )
    return True


# --- Teams -------------------------------------------------------------------------------------


def _check_members(organisation: Any, members: list[Any]) -> None:
    from parvis.accounts.models import Membership

    allowed = set(
        Membership.objects.filter(organisation=organisation, user__in=members).values_list("user_id", flat=True)
    )
    if any(member.pk not in allowed for member in members):
        raise InterventionError("Chaque membre doit être un agent de la collectivité.", "members")


@transaction.atomic
def save_team(
    *,
    organisation: Any,
    name: str,
    department: Department | None,
    members: list[Any],
    is_active: bool = True,
    team: Team | None = None,
    actor: Any,
    request: HttpRequest | None = None,
) -> Team:
    """Create or change a field team."""
    name = " ".join(name.split())
    if not name:
        raise InterventionError("Donnez un nom à l'équipe.", "name")
    if department is not None and department.organisation_id != organisation.pk:
        raise InterventionError("Ce service n'appartient pas à la collectivité.", "department")
    others = Team.objects.filter(organisation=organisation)
    if team is not None:
        others = others.exclude(pk=team.pk)
    if fold(name) in {fold(other) for other in others.values_list("name", flat=True)}:
        raise InterventionError("Une équipe porte déjà ce nom.", "name")
    _check_members(organisation, members)
    before = None
    if team is None:
        team = Team.objects.create(organisation=organisation, name=name, department=department, is_active=is_active)
    else:
        before = {"name": team.name, "department": team.department_id, "active": team.is_active}
        team.name, team.department, team.is_active = name, department, is_active
        team.save()
    team.members.set(members)
    record_event(
        action="intervention.team_saved",
        actor=actor,
        organisation=organisation,
        obj=team,
        before=before,
        after={
            "name": name,
            "department": department.pk if department else None,
            "active": is_active,
            "members": sorted(m.pk for m in members),
        },
        request=request,
    )
    return team

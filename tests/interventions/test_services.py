"""Interventions through their services: numbering, planning, field report, validation (closing the
loop with the resident), return to the field, cancellation, rollover, repair delays."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from parvis.audit.models import AuditEvent
from parvis.cases.models import CaseDocument, CaseEvent
from parvis.interventions import services
from parvis.interventions.enums import Status
from parvis.interventions.models import Intervention
from parvis.interventions.queries import repair_delays
from parvis.interventions.tasks import roll_over_unfinished
from parvis.interventions.weeks import current_week, week_label
from tests.interventions.helpers import (
    case_of,
    checked_photo,
    field_agent,
    intervention_of,
    street_report,
    team_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(territory: Any, agent_a: Any, admin_a: Any) -> Any:
    class S:
        pass

    s = S()
    s.territory = territory
    s.supervisor = agent_a
    s.lucas = field_agent(territory.commune_a, territory.department_a, email="terrain@commune-a.test")
    s.team = team_of(territory.commune_a, territory.department_a, [s.lucas])
    s.case = case_of(territory.commune_a, actor=admin_a, department=territory.department_a)
    s.week = current_week()
    return s


def _done(s: Any, **kwargs: Any) -> Intervention:
    intervention = intervention_of(s.case, actor=s.supervisor, team=s.team, week=s.week, **kwargs)
    services.submit_field_report(
        intervention=intervention,
        time_spent_minutes=45,
        materials="Enrobé à froid : 2 sacs",
        comment="Trou rebouché",
        photo=checked_photo(),
        actor=s.lucas,
    )
    intervention.refresh_from_db()
    return intervention


def test_interventions_are_numbered_per_commune_and_year(setup: Any, territory: Any, agent_b: Any) -> None:
    year = timezone.localdate().year
    first = intervention_of(setup.case, actor=setup.supervisor)
    second = intervention_of(setup.case, actor=setup.supervisor)
    case_b = case_of(territory.commune_b, actor=agent_b, department=territory.department_b)
    other = intervention_of(case_b, actor=agent_b)
    assert (first.number, second.number) == (f"I-{year}-0001", f"I-{year}-0002")
    assert other.number == f"I-{year}-0001"


def test_an_intervention_created_with_a_team_and_a_week_is_planned_and_written_in_the_timeline(setup: Any) -> None:
    intervention = intervention_of(setup.case, actor=setup.supervisor, team=setup.team, week=setup.week)
    assert intervention.status == Status.PLANNED
    assert intervention.department == setup.territory.department_a
    titles = list(CaseEvent.objects.filter(case=setup.case).values_list("title", "visible_to_citizen"))
    assert (f"Intervention {intervention.number} créée : Reboucher le nid de poule", False) in titles
    assert (f"Intervention {intervention.number} planifiée {week_label(setup.week)}", True) in titles
    assert AuditEvent.objects.filter(action="intervention.created", object_id=str(intervention.pk)).exists()


def test_without_a_week_the_intervention_waits_to_be_planned_with_the_departments_only_team(setup: Any) -> None:
    intervention = intervention_of(setup.case, actor=setup.supervisor)
    assert intervention.status == Status.TO_PLAN
    assert intervention.team == setup.team  # the case's department has one team


def test_the_place_is_copied_from_the_street_report(setup: Any) -> None:
    street_report(setup.case, address="12 rue des Lilas", lat="45.750000", lon="4.850000")
    intervention = intervention_of(setup.case, actor=setup.supervisor)
    assert intervention.location == "12 rue des Lilas"
    assert str(intervention.latitude) == "45.750000" and str(intervention.longitude) == "4.850000"
    assert intervention.map_url.startswith("https://www.openstreetmap.org/?mlat=45.750000&mlon=4.850000")


def test_planning_refuses_a_past_week_another_communes_team_and_an_agent_outside_the_team(
    setup: Any, territory: Any, agent_b: Any
) -> None:
    intervention = intervention_of(setup.case, actor=setup.supervisor)
    with pytest.raises(services.InterventionError, match="semaine en cours") as error:
        services.plan(
            intervention=intervention, team=setup.team, week=setup.week - dt.timedelta(weeks=1), actor=setup.supervisor
        )
    assert error.value.field == "planned_week"
    team_b = team_of(territory.commune_b, territory.department_b, [], name="Équipe B")
    with pytest.raises(services.InterventionError, match="équipe active"):
        services.plan(intervention=intervention, team=team_b, week=setup.week, actor=setup.supervisor)
    with pytest.raises(services.InterventionError, match="faire partie de l'équipe"):
        services.plan(
            intervention=intervention, team=setup.team, week=setup.week, assigned_to=agent_b, actor=setup.supervisor
        )
    planned = services.plan(
        intervention=intervention,
        team=setup.team,
        week=setup.week + dt.timedelta(days=9),  # any day: its Monday
        assigned_to=setup.lucas,
        actor=setup.supervisor,
    )
    assert planned.status == Status.PLANNED
    assert planned.planned_week == setup.week + dt.timedelta(weeks=1)
    assert planned.assigned_to == setup.lucas


def test_the_field_agent_starts_then_reports_with_a_photo_stripped_of_its_location(setup: Any) -> None:
    intervention = intervention_of(setup.case, actor=setup.supervisor, team=setup.team, week=setup.week)
    services.start(intervention=intervention, actor=setup.lucas)
    intervention.refresh_from_db()
    assert intervention.status == Status.IN_PROGRESS and intervention.assigned_to == setup.lucas
    with pytest.raises(services.InterventionError, match="photo") as error:
        services.submit_field_report(intervention=intervention, time_spent_minutes=30, actor=setup.lucas)
    assert error.value.field == "photo"
    with pytest.raises(services.InterventionError, match="temps passé"):
        services.submit_field_report(
            intervention=intervention, time_spent_minutes=0, photo=checked_photo(), actor=setup.lucas
        )
    report = services.submit_field_report(
        intervention=intervention,
        time_spent_minutes=40,
        materials="Enrobé à froid : 2 sacs",
        photo=checked_photo(),
        actor=setup.lucas,
    )
    intervention.refresh_from_db()
    assert intervention.status == Status.DONE
    assert (report.time_spent_minutes, report.materials, report.submitted_by) == (
        40,
        "Enrobé à froid : 2 sacs",
        setup.lucas,
    )
    with report.photo.open("rb") as handle, Image.open(handle) as image:
        assert not image.getexif().get(0x8825)  # no GPS block left
    assert CaseEvent.objects.filter(title=f"Intervention {intervention.number} terminée, à valider").exists()


def test_a_report_returned_to_the_field_is_completed_again_keeping_its_photo(setup: Any) -> None:
    intervention = _done(setup)
    with pytest.raises(services.InterventionError, match="reste à faire"):
        services.return_to_field(intervention=intervention, comment=" ", actor=setup.supervisor)
    services.return_to_field(intervention=intervention, comment="Le bord du trou s'effrite", actor=setup.supervisor)
    intervention.refresh_from_db()
    assert intervention.status == Status.IN_PROGRESS
    assert intervention.report.return_comment == "Le bord du trou s'effrite"
    photo_name = intervention.report.photo.name
    services.submit_field_report(intervention=intervention, time_spent_minutes=20, actor=setup.lucas)
    intervention.refresh_from_db()
    assert intervention.status == Status.DONE
    assert intervention.report.photo.name == photo_name
    assert intervention.report.time_spent_minutes == 20


def test_validating_an_intervention_of_a_plain_case_writes_to_the_requester_with_the_photo_when_asked(
    setup: Any,
) -> None:
    quiet = _done(setup)
    services.validate(intervention=quiet, actor=setup.supervisor)
    quiet.refresh_from_db()
    assert quiet.status == Status.VALIDATED and quiet.validated_by == setup.supervisor
    assert not CaseEvent.objects.filter(case=setup.case, kind="message_to_citizen").exists()

    told = _done(setup)
    services.validate(intervention=told, notify_requester=True, actor=setup.supervisor)
    message = CaseEvent.objects.get(case=setup.case, kind="message_to_citizen")
    assert "a été réalisée" in message.body
    document = CaseDocument.objects.get(pk=message.data["document"])
    assert document.content_type == "image/jpeg" and document.visible_to_citizen


def test_validating_an_intervention_of_a_street_report_calls_mark_repaired_with_the_after_photo(
    setup: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = street_report(setup.case)
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(services, "_mark_repaired", lambda: lambda **kwargs: calls.append(kwargs))
    intervention = _done(setup)
    services.validate(intervention=intervention, notify_requester=True, actor=setup.supervisor)
    assert len(calls) == 1
    call = calls[0]
    assert call["report"] == report and call["actor"] == setup.supervisor
    assert call["note"] == "Trou rebouché"
    assert call["photo"].content_type == "image/jpeg" and call["photo"].size > 0
    assert call["photo"].content.read()[:3] == b"\xff\xd8\xff"
    # The followers are told by the reports app: no second message from here.
    assert not CaseEvent.objects.filter(case=setup.case, kind="message_to_citizen").exists()


def test_validating_a_street_reports_intervention_marks_it_repaired_with_the_after_photo(setup: Any) -> None:
    from parvis.notifications.models import OutboundMessage
    from parvis.reports.enums import PhotoKind
    from parvis.reports.models import ReportFollower

    report = street_report(setup.case)
    ReportFollower.objects.create(report=report, email="voisine@example.org")
    intervention = _done(setup)
    services.validate(intervention=intervention, actor=setup.supervisor)
    report.refresh_from_db()
    assert report.repaired_at is not None and report.feedback_until is not None
    assert report.photos.filter(kind=PhotoKind.AFTER).count() == 1
    assert OutboundMessage.objects.filter(to="voisine@example.org", event="report.repaired").count() == 1
    assert CaseEvent.objects.filter(case=setup.case, title="Réparé suite à votre signalement").count() == 1
    # Validating a second intervention of the same report tells nobody twice.
    services.validate(intervention=_done(setup), actor=setup.supervisor)
    assert OutboundMessage.objects.filter(to="voisine@example.org", event="report.repaired").count() == 1


def test_cancelling_needs_a_reason_and_closes_the_intervention(setup: Any) -> None:
    intervention = intervention_of(setup.case, actor=setup.supervisor, team=setup.team, week=setup.week)
    with pytest.raises(services.InterventionError, match="motif"):
        services.cancel(intervention=intervention, reason="", actor=setup.supervisor)
    services.cancel(intervention=intervention, reason="Doublon de I-0001", actor=setup.supervisor)
    intervention.refresh_from_db()
    assert intervention.status == Status.CANCELLED
    with pytest.raises(services.InterventionError):
        services.start(intervention=intervention, actor=setup.lucas)
    with pytest.raises(services.InterventionError, match="déjà close"):
        services.cancel(intervention=intervention, reason="encore", actor=setup.supervisor)


def _planned_weeks_ago(s: Any, weeks: int, **kwargs: Any) -> Intervention:
    intervention = intervention_of(s.case, actor=s.supervisor, team=s.team, week=s.week, **kwargs)
    Intervention.objects.filter(pk=intervention.pk).update(planned_week=s.week - dt.timedelta(weeks=weeks))
    return intervention


def test_unfinished_interventions_of_a_past_week_roll_over_to_the_current_week_once(setup: Any) -> None:
    late = _planned_weeks_ago(setup, 1)
    started = _planned_weeks_ago(setup, 1)
    services.start(intervention=started, actor=setup.lucas)
    finished = _done(setup)
    Intervention.objects.filter(pk=finished.pk).update(planned_week=setup.week - dt.timedelta(weeks=1))
    waiting = intervention_of(setup.case, actor=setup.supervisor)

    assert roll_over_unfinished() == 2
    assert roll_over_unfinished() == 0  # idempotent within the week
    for intervention in (late, started):
        intervention.refresh_from_db()
        assert (intervention.planned_week, intervention.rollover_count) == (setup.week, 1)
    finished.refresh_from_db()
    waiting.refresh_from_db()
    assert finished.planned_week == setup.week - dt.timedelta(weeks=1) and finished.rollover_count == 0
    assert waiting.planned_week is None
    previous = setup.week - dt.timedelta(weeks=1)
    title = f"Intervention {late.number} reportée {week_label(previous)} à la {week_label(setup.week)} (1 fois)"
    assert CaseEvent.objects.filter(title=title, visible_to_citizen=False).count() == 1
    assert AuditEvent.objects.filter(action="intervention.rolled_over").count() == 2


def test_the_rollover_counts_weeks_across_weeks_and_after_a_stopped_worker(setup: Any) -> None:
    intervention = _planned_weeks_ago(setup, 1)
    roll_over_unfinished()
    next_monday = setup.week + dt.timedelta(weeks=1)
    assert roll_over_unfinished(today=next_monday + dt.timedelta(days=2)) == 1
    assert roll_over_unfinished(today=next_monday + dt.timedelta(days=3)) == 0
    intervention.refresh_from_db()
    assert (intervention.planned_week, intervention.rollover_count) == (next_monday, 2)
    # A worker stopped for a fortnight: one move, two weeks counted.
    later = next_monday + dt.timedelta(weeks=2)
    assert roll_over_unfinished(today=later) == 1
    intervention.refresh_from_db()
    assert (intervention.planned_week, intervention.rollover_count) == (later, 4)
    assert CaseEvent.objects.filter(title__endswith="(4 fois)").count() == 1


def test_planning_again_restarts_the_rollover_counter(setup: Any) -> None:
    intervention = _planned_weeks_ago(setup, 2)
    roll_over_unfinished()
    intervention.refresh_from_db()
    assert intervention.rollover_count == 2
    services.plan(intervention=intervention, team=setup.team, week=setup.week, actor=setup.supervisor)
    intervention.refresh_from_db()
    assert intervention.rollover_count == 0


def test_repair_delays_give_the_median_and_90th_percentile_from_submission_to_validation(setup: Any) -> None:
    from parvis.cases.models import Case

    now = timezone.now()
    for days in (1, 2, 3, 4, 10):
        case = case_of(setup.territory.commune_a, actor=setup.supervisor, department=setup.territory.department_a)
        Case.objects.filter(pk=case.pk).update(submitted_at=now - dt.timedelta(days=days))
        setup.case = case
        services.validate(intervention=_done(setup), actor=setup.supervisor)
    # Another commune's and unvalidated interventions do not count.
    intervention_of(setup.case, actor=setup.supervisor)
    today = timezone.localdate()
    delays = repair_delays(setup.territory.commune_a, today - dt.timedelta(days=1), today)
    assert delays.count == 5
    assert delays.median_days == pytest.approx(3, abs=0.01)
    assert delays.p90_days == pytest.approx(10, abs=0.01)
    assert repair_delays(setup.territory.commune_b, today, today).count == 0
    empty = repair_delays(setup.territory.commune_a, today - dt.timedelta(days=30), today - dt.timedelta(days=20))
    assert (empty.count, empty.median, empty.p90) == (0, None, None)
    assert repair_delays(setup.territory.commune_a, today, today, reports_only=True).count == 0


def test_team_members_must_be_agents_of_the_commune(setup: Any, territory: Any, agent_b: Any, citizen: Any) -> None:
    with pytest.raises(services.InterventionError, match="agent de la collectivité"):
        services.save_team(
            organisation=territory.commune_a,
            name="Équipe Sud",
            department=None,
            members=[agent_b],
            actor=setup.supervisor,
        )
    with pytest.raises(services.InterventionError, match="déjà ce nom"):
        services.save_team(
            organisation=territory.commune_a,
            name="équipe voirie nord",
            department=None,
            members=[],
            actor=setup.supervisor,
        )
    team = services.save_team(
        organisation=territory.commune_a,
        name="Équipe Sud",
        department=territory.department_a,
        members=[setup.lucas],
        actor=setup.supervisor,
    )
    assert list(team.members.all()) == [setup.lucas]

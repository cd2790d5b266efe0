"""The clock of a case: legal settings frozen at submission, decisions and transmissions (L114-3)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from parvis.cases.services import apply_transition, submit_case, transfer_case
from parvis.legal.enums import DeadlineState, LegalNature
from parvis.procedures.models import Procedure
from parvis.procedures.workflow import IMPLICIT_ACCEPTED, Workflow, WorkflowError, default_workflow
from tests.factories import DepartmentFactory, published_procedure

PARIS = ZoneInfo("Europe/Paris")


def _at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def procedure(territory, admin_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    Procedure.objects.filter(pk=procedure.pk).update(
        legal_nature=LegalNature.DEMANDE,
        silence_rule="sva",
        silence_period=2,
        silence_unit="months",
        legal_basis="CRPA, art. L231-1",
        decision_authority="le maire de Commune A",
        administrative_court="tribunal administratif de Lyon",
    )
    procedure.refresh_from_db()
    return procedure


def _file(territory, procedure, citizen, *, at, organisation=None):
    return submit_case(
        organisation=organisation or territory.commune_a,
        procedure=procedure,
        answers={"objet": "Demande"},
        requester=citizen,
        requester_name="Camille Martin",
        requester_email=citizen.email,
        actor=citizen,
        received_at=at,
        notify=False,
    ).case


def test_a_case_freezes_the_legal_settings_of_its_procedure_at_submission(territory, procedure, citizen):
    case = _file(territory, procedure, citizen, at=_at(2025, 1, 15))
    Procedure.objects.filter(pk=procedure.pk).update(silence_rule="svr", silence_period=4)
    case.refresh_from_db()
    assert case.legal["silence_rule"] == "sva" and case.legal["period"] == 2
    assert case.legal["authority"] == "le maire de Commune A"
    assert case.legal["recourse_gracieux_to"] == "le maire de Commune A"
    assert case.legal["administrative_court"] == "tribunal administratif de Lyon"


def test_an_sva_case_knows_the_day_its_implicit_acceptance_is_born(territory, procedure, citizen):
    # rules.md §2 example 1: received Wed 15 Jan 2025 → E = Sat 15 Mar, decision from Sun 16 Mar.
    case = _file(territory, procedure, citizen, at=_at(2025, 1, 15))
    assert case.deadline_state == DeadlineState.RUNNING
    assert case.last_day == dt.date(2025, 3, 15)
    assert case.decision_due_on == dt.date(2025, 3, 16)


def test_a_late_evening_web_submission_counts_from_its_paris_date(territory, procedure, citizen):
    # Example 8: Fri 14 Mar 2025 23:50 in Paris is 14 March → E = 14 May.
    case = _file(territory, procedure, citizen, at=_at(2025, 3, 14, 23, 50))
    assert case.last_day == dt.date(2025, 5, 14)


def test_a_procedure_without_implicit_decision_gives_no_decision_date(territory, procedure, citizen):
    Procedure.objects.filter(pk=procedure.pk).update(silence_rule="none", silence_period=None)
    procedure.refresh_from_db()
    case = _file(territory, procedure, citizen, at=_at(2025, 1, 15))
    assert case.deadline_state == DeadlineState.NONE
    assert case.decision_due_on is None and case.last_day is None


def test_a_declaration_never_gets_an_implicit_decision_even_with_a_silence_rule(territory, procedure, citizen):
    Procedure.objects.filter(pk=procedure.pk).update(legal_nature=LegalNature.DECLARATION)
    procedure.refresh_from_db()
    case = _file(territory, procedure, citizen, at=_at(2025, 1, 15))
    assert case.deadline_state == DeadlineState.NONE and case.decision_due_on is None


def test_an_express_rejection_stops_the_clock_and_opens_two_clear_months_of_recourse(
    territory, procedure, citizen, agent_a
):
    case = _file(territory, procedure, citizen, at=_at(2025, 9, 1))
    apply_transition(
        case=case, transition_key="reject", actor=agent_a, comment="Pièce non conforme.", at=_at(2025, 9, 10)
    )
    case.refresh_from_db()
    assert case.deadline_state == DeadlineState.DECIDED and case.decision == "reject"
    assert case.decided_on == dt.date(2025, 9, 10)
    # rules.md §3: notified 10 Sep 2025 → 11 Nov is a holiday → Wed 12 Nov 2025.
    assert case.recourse_until == dt.date(2025, 11, 12)


def test_closing_without_decision_closes_the_clock(territory, procedure, citizen, agent_a):
    case = _file(territory, procedure, citizen, at=_at(2025, 9, 1))
    apply_transition(case=case, transition_key="close", actor=agent_a, comment="Demande retirée.", at=_at(2025, 9, 2))
    case.refresh_from_db()
    assert case.deadline_state == DeadlineState.CLOSED and case.decision == "" and case.recourse_until is None


def test_a_case_transmitted_to_the_competent_commune_counts_sva_from_its_receipt_there(
    territory, procedure, citizen, agent_a, time_machine
):
    # rules.md §2 example 10: first commune 10 Jan 2025, competent one receives Mon 20 Jan → SVA E = 20 Mar.
    DepartmentFactory(organisation=territory.commune_b, slug="etat-civil-b")
    case = _file(territory, procedure, citizen, at=_at(2025, 1, 10))
    time_machine.move_to(_at(2025, 1, 20, 9), tick=False)
    transfer_case(case=case, reason="Commune compétente", actor=agent_a, organisation=territory.commune_b)
    case.refresh_from_db()
    assert case.transmitted_from_on == dt.date(2025, 1, 10)
    assert case.last_day == dt.date(2025, 3, 20)


def test_an_svr_case_transmitted_keeps_counting_from_the_first_receipt(
    territory, procedure, citizen, agent_a, time_machine
):
    Procedure.objects.filter(pk=procedure.pk).update(silence_rule="svr")
    procedure.refresh_from_db()
    case = _file(territory, procedure, citizen, at=_at(2025, 1, 10))
    time_machine.move_to(_at(2025, 1, 20, 9), tick=False)
    transfer_case(case=case, reason="Commune compétente", actor=agent_a, organisation=territory.commune_b)
    case.refresh_from_db()
    assert case.last_day == dt.date(2025, 3, 10)


def test_every_workflow_offers_the_implicit_statuses_without_any_transition_to_them():
    workflow = Workflow.from_json(default_workflow())
    status = workflow.status(IMPLICIT_ACCEPTED)
    assert status.final and status.decision == "accept" and status.system
    assert all(t.target != IMPLICIT_ACCEPTED for t in workflow.transitions.values())


def test_a_workflow_cannot_declare_the_reserved_implicit_statuses():
    data = default_workflow()
    data["statuses"].append({"key": IMPLICIT_ACCEPTED, "label": "Acceptée", "final": True})
    with pytest.raises(WorkflowError, match="réservée"):
        Workflow.from_json(data)


def test_a_decision_can_only_sit_on_a_final_status():
    data = default_workflow()
    data["statuses"][1]["decision"] = "accept"
    with pytest.raises(WorkflowError, match="finale"):
        Workflow.from_json(data)

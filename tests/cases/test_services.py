import threading

import pytest
from django.db import connection

from parvis.audit.models import AuditEvent
from parvis.cases.enums import Channel
from parvis.cases.models import Case, CaseEvent
from parvis.cases.services import (
    CaseError,
    IllegalTransition,
    add_note,
    apply_transition,
    assign_case,
    submit_case,
    tracking_code_matches,
)
from tests.factories import published_procedure


@pytest.fixture
def procedure(territory, admin_a):
    return published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)


def _submit(territory, procedure, citizen, **kwargs):
    params = {
        "organisation": territory.commune_a,
        "procedure": procedure,
        "answers": {"objet": "Copie intégrale"},
        "requester": citizen,
        "requester_name": "Camille Martin",
        "requester_email": citizen.email if citizen else "",
        "actor": citizen,
    }
    return submit_case(**(params | kwargs))


def test_submission_numbers_the_case_per_commune_and_year(territory, procedure, citizen):
    first = _submit(territory, procedure, citizen).case
    second = _submit(territory, procedure, citizen).case
    prefix = territory.commune_a.reference_prefix
    year = first.submitted_at.year
    assert first.reference == f"{prefix}-{year}-000001"
    assert second.reference == f"{prefix}-{year}-000002"
    assert first.status == "received" and first.is_open and first.department == territory.department_a
    assert first.version == procedure.published_version


def test_submission_is_journaled_and_starts_the_timeline(territory, procedure, citizen):
    case = _submit(territory, procedure, citizen).case
    assert AuditEvent.objects.filter(action="case.submitted", object_id=str(case.pk)).exists()
    # then the accusés d'enregistrement and de réception (issue 4)
    assert list(case.events.values_list("kind", flat=True)) == ["submitted", "channel_used", "document_added"]


def test_a_double_submission_with_the_same_key_creates_one_case(territory, procedure, citizen):
    first = _submit(territory, procedure, citizen, idempotency_key="form-123")
    again = _submit(territory, procedure, citizen, idempotency_key="form-123")
    assert first.created and not again.created
    assert again.case.pk == first.case.pk
    assert Case.objects.count() == 1


def test_the_tracking_code_is_stored_hashed_and_matches_loosely(territory, procedure, citizen):
    submission = _submit(territory, procedure, None, requester_name="Anonyme", requester_email="a@example.org")
    code = submission.tracking_code
    assert code not in submission.case.tracking_code_hash
    assert tracking_code_matches(submission.case, code.lower())
    assert not tracking_code_matches(submission.case, "WRONGCODE2")


def test_anonymous_submission_needs_a_contact(territory, procedure):
    with pytest.raises(CaseError, match="adresse électronique ou un téléphone"):
        submit_case(
            organisation=territory.commune_a,
            procedure=procedure,
            answers={},
            requester=None,
            requester_name="X",
            actor=None,
        )


def test_a_commune_cannot_receive_another_communes_procedure(territory, procedure, citizen):
    with pytest.raises(CaseError, match="pas proposée"):
        _submit(territory, procedure, citizen, organisation=territory.commune_b)


def test_transitions_follow_the_workflow_and_close_the_case(territory, procedure, citizen, agent_a):
    case = _submit(territory, procedure, citizen).case
    case = apply_transition(case=case, transition_key="start", actor=agent_a)
    assert case.status == "in_progress"
    with pytest.raises(CaseError, match="commentaire est obligatoire"):
        apply_transition(case=case, transition_key="reject", actor=agent_a)
    case = apply_transition(case=case, transition_key="reject", actor=agent_a, comment="Pièce d'identité illisible")
    assert not case.is_open and case.closed_at is not None
    with pytest.raises(IllegalTransition):
        apply_transition(case=case, transition_key="start", actor=agent_a)
    rejected = case.events.get(status_after="rejected")
    assert rejected.visible_to_citizen and rejected.body == "Pièce d'identité illisible"


def test_notes_are_internal_and_assignment_needs_a_role_here(territory, procedure, citizen, agent_a, agent_b):
    case = _submit(territory, procedure, citizen).case
    note = add_note(case=case, text="Vérifier au registre", actor=agent_a)
    assert not note.visible_to_citizen
    assign_case(case=case, agent=agent_a, actor=agent_a)
    with pytest.raises(CaseError, match="pas de rôle"):
        assign_case(case=case, agent=agent_b, actor=agent_a)
    assert CaseEvent.objects.filter(case=case, kind="assigned").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_references(territory, procedure, citizen):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the row lock is exercised on PostgreSQL in CI")
    references, errors = [], []

    def worker():
        try:
            references.append(_submit(territory, procedure, citizen, channel=Channel.COUNTER).case.reference)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(references)) == 8

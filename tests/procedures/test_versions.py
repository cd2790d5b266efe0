import pytest

from parvis.audit.models import AuditEvent
from parvis.procedures.services import ProcedureError, publish_procedure, save_draft
from parvis.procedures.workflow import IllegalTransition, Workflow, WorkflowError, default_workflow
from tests.factories import published_procedure, simple_form


def test_publishing_freezes_the_version_and_editing_makes_a_new_one(territory, admin_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a)
    v1 = procedure.published_version
    assert v1.number == 1 and v1.is_frozen
    changed = simple_form()
    changed["pages"][0]["fields"][0]["label"] = "Nouvel intitulé"
    v2 = save_draft(procedure=procedure, form=changed, workflow=default_workflow(), actor=admin_a)
    assert v2.number == 2 and not v2.is_frozen
    v1.refresh_from_db()
    assert v1.form["pages"][0]["fields"][0]["label"] == "Objet de la demande"
    publish_procedure(procedure=procedure, actor=admin_a)
    procedure.refresh_from_db()
    assert procedure.published_version == v2
    assert AuditEvent.objects.filter(action="procedure.published", object_id=str(procedure.pk)).count() == 2


def test_publishing_without_changes_is_refused(territory, admin_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a)
    with pytest.raises(ProcedureError, match="Aucune modification"):
        publish_procedure(procedure=procedure, actor=admin_a)


def test_a_broken_workflow_is_refused_with_a_french_message(territory, admin_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a)
    broken = default_workflow()
    broken["transitions"][0]["to"] = "nowhere"
    with pytest.raises(ProcedureError, match="étape inconnue"):
        save_draft(procedure=procedure, form=simple_form(), workflow=broken, actor=admin_a)


def test_default_workflow_allows_only_declared_transitions():
    workflow = Workflow.from_json(default_workflow())
    assert {t.key for t in workflow.transitions_from("received")} == {
        "start",
        "ask_citizen",
        "accept",
        "reject",
        "close",
    }
    assert workflow.transition("in_progress", "accept").target == "accepted"
    with pytest.raises(IllegalTransition, match="Acceptée"):
        workflow.transition("accepted", "reject")


def test_a_workflow_with_unreachable_statuses_is_invalid():
    data = default_workflow()
    data["statuses"].append({"key": "limbo", "label": "Limbes"})
    with pytest.raises(WorkflowError, match="inaccessibles"):
        Workflow.from_json(data)

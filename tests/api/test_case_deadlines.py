"""The legal clock of a case through the API: agents read it, residents do not."""

from __future__ import annotations

import datetime as dt

from parvis.api.enums import Scope
from parvis.cases.models import Case
from parvis.cases.services import submit_case
from tests.api.conftest import Api, token_for

CITIZEN_SCOPES_READ = [Scope.CASES_READ]


def _running_case(territory, procedure, requester=None) -> Case:
    case = submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Horaires de la piscine"},
        requester=requester,
        requester_name="Jeanne Dupont",
        requester_email=requester.email if requester else "jeanne@example.org",
        actor=requester,
    ).case
    Case.objects.filter(pk=case.pk).update(
        deadline_state="running",
        last_day=dt.date(2026, 5, 14),
        decision_due_on=dt.date(2026, 5, 15),
        recourse_until=None,
    )
    return case


def test_an_agent_reads_the_deadline_fields_in_the_list_and_the_case(territory, agent_a, simple_procedure):
    case = _running_case(territory, simple_procedure)
    api = Api(token_for(agent_a, territory.commune_a))

    listed = api.get("/cases").json()["results"][0]
    detail = api.get(f"/cases/{case.reference}").json()
    for body in (listed, detail):
        assert body["deadline_state"] == "running"
        assert body["last_day"] == "2026-05-14"
        assert body["decision_due_on"] == "2026-05-15"
        assert body["decision"] == ""
        assert body["recourse_until"] is None


def test_a_resident_does_not_get_the_agents_deadline_fields(territory, citizen, simple_procedure):
    case = _running_case(territory, simple_procedure, requester=citizen)
    body = Api(token_for(citizen, territory.commune_a, scopes=CITIZEN_SCOPES_READ)).get(f"/cases/{case.reference}")
    assert body.status_code == 200
    assert body.json()["deadline_state"] is None and body.json()["decision_due_on"] is None


def test_the_openapi_description_documents_the_deadline_fields(db):
    from django.test import Client

    schema = Client().get("/api/v1/openapi.json").json()
    case_out = schema["components"]["schemas"]["CaseOut"]["properties"]
    assert {"deadline_state", "last_day", "decision_due_on", "decision", "recourse_until"} <= set(case_out)
    assert "dernier jour pour décider" in case_out["last_day"]["description"]

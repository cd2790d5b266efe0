"""Tenant isolation of the API: commune B's tokens never read or write commune A's data.

The project-wide registry (tests/test_isolation.py) visits URLs with session clients, which the API
refuses (401) whoever they are; these tests do the same visits with tokens.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parvis.cases.models import Case, CaseDocument, CaseEvent
from parvis.cases.services import submit_case
from tests.api.conftest import CITIZEN_SCOPES, PDF, Api, token_for
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import published_procedure

MARKER = "Objet réservé à la demande de A"


@pytest.fixture
def case_of_a(territory, citizen, simple_procedure) -> Case:
    return submit_case(
        organisation=territory.commune_a,
        procedure=simple_procedure,
        answers={"objet": MARKER},
        requester=citizen,
        requester_name="Camille Martin",
        requester_email=citizen.email,
        actor=citizen,
    ).case


@pytest.fixture
def outsiders(territory, agent_b, citizen):
    """Full-scope tokens of commune B: its agent, and the same resident acting in B."""
    return {
        "agent_b": Api(token_for(agent_b, territory.commune_b), host=HOST_B),
        "citizen_in_b": Api(token_for(citizen, territory.commune_b, CITIZEN_SCOPES), host=HOST_B),
        "agent_b_without_host": Api(token_for(agent_b, territory.commune_b), host="api.localhost"),
    }


def test_commune_b_never_reads_commune_as_cases(case_of_a, outsiders):
    for who, api in outsiders.items():
        listed = api.get("/cases")
        assert listed.status_code == 200, who
        assert listed.json()["results"] == [], who
        read = api.get(f"/cases/{case_of_a.reference}")
        assert read.status_code == 404, who
        assert MARKER not in read.content.decode(), who


def test_commune_b_never_acts_on_commune_as_cases(case_of_a, outsiders):
    for who, api in outsiders.items():
        for path, data in (
            (f"/cases/{case_of_a.reference}/transitions", {"transition": "start"}),
            (f"/cases/{case_of_a.reference}/messages", {"text": "Intrusion"}),
        ):
            response = api.post(path, data)
            # a resident's token lacks cases:write: refused before any case is looked up
            expected = 403 if who == "citizen_in_b" and path.endswith("transitions") else 404
            assert response.status_code == expected, (who, path)
        upload = api.post_multipart(
            f"/cases/{case_of_a.reference}/documents", {"file": SimpleUploadedFile("x.pdf", PDF)}
        )
        assert upload.status_code == 404, who
    case_of_a.refresh_from_db()
    assert case_of_a.status == "received"
    assert (
        not CaseEvent.objects.filter(case=case_of_a)
        .exclude(kind="submitted")
        .exclude(title__startswith="Accusé")
        .exists()
    )
    assert not CaseDocument.objects.exclude(name__startswith="accuse-de-reception-").exists()


def test_commune_b_cannot_see_or_submit_to_commune_as_procedures(territory, simple_procedure, outsiders):
    for who, api in outsiders.items():
        assert api.get("/procedures").json() == [], who
        assert api.get("/procedures/question-elus").status_code == 404, who
        submitted = api.post(
            "/cases",
            {
                "procedure": "question-elus",
                "answers": {"objet": "x"},
                "requester": {"name": "A B", "email": "a@b.fr"},
                "channel": "counter",
            }
            if who.startswith("agent")
            else {"procedure": "question-elus", "answers": {"objet": "x"}},
        )
        assert submitted.status_code == 422, who
        assert "procedure" in submitted.json()["errors"], who
    assert not Case.objects.exists()


def test_same_slug_in_two_communes_files_with_the_tokens_commune(territory, citizen, simple_procedure):
    published_procedure(territory.commune_b, title="Question aux élus de B", slug="question-elus")
    api = Api(token_for(citizen, territory.commune_b, CITIZEN_SCOPES), host=HOST_B)
    assert api.post("/cases", {"procedure": "question-elus", "answers": {"objet": "x"}}).status_code == 201
    case = Case.objects.get()
    assert case.organisation == territory.commune_b
    assert case.procedure.organisation == territory.commune_b


def test_a_token_of_commune_a_is_refused_on_commune_bs_hostname(territory, agent_a, case_of_a):
    api = Api(token_for(agent_a, territory.commune_a), host=HOST_B)
    for response in (
        api.get("/cases"),
        api.get(f"/cases/{case_of_a.reference}"),
        api.get("/procedures"),
        api.post(f"/cases/{case_of_a.reference}/messages", {"text": "x"}),
    ):
        assert response.status_code == 403
        assert MARKER not in response.content.decode()


def test_session_clients_get_401_on_every_operation_whoever_they_are(territory, case_of_a, agent_a, admin_a):
    paths = ["/procedures", "/procedures/question-elus", "/cases", f"/cases/{case_of_a.reference}"]
    for client in (logged_in(agent_a, HOST_A), logged_in(admin_a, HOST_A), Api(None).client):
        for path in paths:
            assert client.get(f"/api/v1{path}").status_code == 401, path
        assert client.post("/api/v1/cases", {}).status_code == 401
        assert client.post(f"/api/v1/cases/{case_of_a.reference}/messages", {}).status_code == 401

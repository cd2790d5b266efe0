"""Reading and acting on cases through the API: list, detail, transitions, messages, documents."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parvis.accounts.enums import Role
from parvis.audit.models import AuditEvent
from parvis.cases.models import Case, CaseEvent
from parvis.cases.services import add_note, apply_transition, submit_case
from tests.api.conftest import CITIZEN_SCOPES, PDF, Api, token_for
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory, published_procedure


def _case(territory, procedure, requester=None, text="Horaires de la piscine", at=None) -> Case:
    return submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": text},
        requester=requester,
        requester_name="Camille Martin" if requester else "Jeanne Dupont",
        requester_email=requester.email if requester else "jeanne@example.org",
        actor=requester,
        received_at=at,
    ).case


def test_an_agent_lists_the_cases_of_his_department(territory, agent_a, admin_a, simple_procedure):
    mine = _case(territory, simple_procedure)
    elsewhere = DepartmentFactory(organisation=territory.commune_a, name="Voirie")
    other = published_procedure(territory.commune_a, actor=admin_a, department=elsewhere, slug="voirie", title="Voirie")
    _case(territory, other)

    response = Api(token_for(agent_a, territory.commune_a)).get("/cases")

    assert response.status_code == 200
    assert [c["reference"] for c in response.json()["results"]] == [mine.reference]
    row = response.json()["results"][0]
    assert row["requester_name"] == "Jeanne Dupont"
    assert row["status"] == "received"
    assert row["department"] == "État civil A"
    # the administrator (no department) sees both
    assert len(Api(token_for(admin_a, territory.commune_a)).get("/cases").json()["results"]) == 2


def test_a_resident_lists_only_his_own_cases_with_the_status_he_is_shown(territory, citizen, agent_a, simple_procedure):
    own = _case(territory, simple_procedure, requester=citizen)
    _case(territory, simple_procedure, requester=UserFactory())
    apply_transition(case=own, transition_key="start", actor=agent_a)

    response = Api(token_for(citizen, territory.commune_a, CITIZEN_SCOPES)).get("/cases")

    rows = response.json()["results"]
    assert [r["reference"] for r in rows] == [own.reference]
    assert rows[0]["status_label"] == "En cours d'instruction"
    assert rows[0]["status"] == ""
    assert rows[0]["requester_name"] is None
    assert "instruction" in rows[0]["next_step"]


def test_filters_by_status_procedure_and_last_activity(territory, agent_a, admin_a, simple_procedure):
    other = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a, slug="autre")
    old = _case(territory, simple_procedure, at=timezone.now() - timedelta(days=10))
    Case.objects.filter(pk=old.pk).update(last_activity_at=timezone.now() - timedelta(days=10))
    recent = _case(territory, simple_procedure)
    closed = _case(territory, other)
    apply_transition(case=closed, transition_key="accept", actor=agent_a)
    api = Api(token_for(agent_a, territory.commune_a))

    def refs(**params):
        response = api.get("/cases", **params)
        assert response.status_code == 200, response.json()
        return {c["reference"] for c in response.json()["results"]}

    assert refs(status="open") == {old.reference, recent.reference}
    assert refs(status="closed") == {closed.reference}
    assert refs(status="accepted") == {closed.reference}
    assert refs(procedure="autre") == {closed.reference}
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert refs(updated_since=since) == {recent.reference, closed.reference}
    bad = api.get("/cases", updated_since="hier")
    assert bad.status_code == 422
    assert "updated_since" in bad.json()["errors"]


def test_the_list_is_paginated_with_a_cursor(territory, agent_a, simple_procedure):
    now = timezone.now()
    cases = [_case(territory, simple_procedure, at=now - timedelta(hours=i)) for i in range(5)]
    api = Api(token_for(agent_a, territory.commune_a))

    seen, cursor, pages = [], "", 0
    while True:
        body = api.get("/cases", limit=2, **({"cursor": cursor} if cursor else {})).json()
        seen += [c["reference"] for c in body["results"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break

    assert seen == [c.reference for c in cases]  # newest first, each once
    assert pages == 3
    broken = api.get("/cases", cursor="pas-un-curseur")
    assert broken.status_code == 422
    assert "cursor" in broken.json()["errors"]


def test_the_list_runs_a_bounded_number_of_queries(territory, agent_a, citizen, simple_procedure):
    api = Api(token_for(agent_a, territory.commune_a))
    resident = Api(token_for(citizen, territory.commune_a, CITIZEN_SCOPES))
    for _ in range(2):
        _case(territory, simple_procedure, requester=citizen)

    def count(client):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/cases").status_code == 200
        return len(queries)

    count(api), count(resident)  # the first use of a token also records its last use
    few_agent, few_resident = count(api), count(resident)
    for _ in range(10):
        _case(territory, simple_procedure, requester=citizen)
    assert count(api) == few_agent <= 5
    assert count(resident) == few_resident <= 5


def test_an_agent_reads_a_case_with_answers_full_timeline_and_transitions(territory, agent_a, simple_procedure):
    case = _case(territory, simple_procedure)
    add_note(case=case, text="Note réservée aux agents", actor=agent_a)

    response = Api(token_for(agent_a, territory.commune_a)).get(f"/cases/{case.reference.lower()}")

    assert response.status_code == 200
    body = response.json()
    assert body["answers"][0]["label"] == "Objet de la demande"
    assert body["answers"][0]["value"] == "Horaires de la piscine"
    # submitted, then the accusés d'enregistrement and de réception (issue 4), then the note
    assert [e["kind"] for e in body["timeline"]] == ["submitted", "channel_used", "document_added", "note"]
    assert {t["key"] for t in body["transitions"]} >= {"start", "accept"}
    assert body["requester"]["email"] == "jeanne@example.org"
    assert AuditEvent.objects.filter(action="personal_data.viewed", actor=agent_a, object_id=str(case.pk)).exists()


def test_a_resident_reads_his_case_with_the_public_timeline_only(territory, citizen, agent_a, simple_procedure):
    case = _case(territory, simple_procedure, requester=citizen)
    add_note(case=case, text="Note réservée aux agents", actor=agent_a)

    body = Api(token_for(citizen, territory.commune_a, CITIZEN_SCOPES)).get(f"/cases/{case.reference}").json()

    assert [e["kind"] for e in body["timeline"]] == ["submitted", "channel_used", "document_added"]  # + accusés
    assert "Note réservée" not in str(body)
    assert body["transitions"] == [] and body["requester"] is None


def test_a_resident_cannot_read_someone_elses_case(territory, citizen, simple_procedure):
    case = _case(territory, simple_procedure, requester=UserFactory())
    response = Api(token_for(citizen, territory.commune_a, CITIZEN_SCOPES)).get(f"/cases/{case.reference}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Demande introuvable.", "errors": {}}


def test_an_agent_applies_a_transition_and_an_illegal_one_is_a_409(territory, agent_a, citizen, simple_procedure):
    case = _case(territory, simple_procedure, requester=citizen)
    api = Api(token_for(agent_a, territory.commune_a))

    started = api.post(f"/cases/{case.reference}/transitions", {"transition": "start"})
    assert started.status_code == 200, started.json()
    assert started.json()["status"] == "in_progress"
    again = api.post(f"/cases/{case.reference}/transitions", {"transition": "start"})
    assert again.status_code == 409
    assert "n'est pas possible" in again.json()["detail"]
    no_comment = api.post(f"/cases/{case.reference}/transitions", {"transition": "reject"})
    assert no_comment.status_code == 422
    assert "comment" in no_comment.json()["errors"]
    missing = api.post(f"/cases/{case.reference}/transitions", {})
    assert missing.status_code == 422
    assert missing.json()["errors"] == {"transition": ["Ce champ est obligatoire."]}
    case.refresh_from_db()
    assert case.status == "in_progress"
    assert AuditEvent.objects.filter(action="case.transition", actor=agent_a).count() == 1


def test_only_agents_who_may_process_apply_transitions(territory, citizen, simple_procedure):
    case = _case(territory, simple_procedure, requester=citizen)
    elected = UserFactory()
    MembershipFactory(user=elected, organisation=territory.commune_a, role=Role.ELECTED)
    for user, scopes in ((elected, ["cases:write"]), (citizen, CITIZEN_SCOPES)):
        response = Api(token_for(user, territory.commune_a, scopes)).post(
            f"/cases/{case.reference}/transitions", {"transition": "start"}
        )
        assert response.status_code == 403, user
    case.refresh_from_db()
    assert case.status == "received"


def test_an_agent_writes_to_the_requester_who_replies(territory, agent_a, citizen, simple_procedure):
    case = _case(territory, simple_procedure, requester=citizen)
    agent = Api(token_for(agent_a, territory.commune_a))
    resident = Api(token_for(citizen, territory.commune_a, CITIZEN_SCOPES))

    asked = agent.post(f"/cases/{case.reference}/messages", {"text": "Quel bassin vous intéresse ?"})
    replied = resident.post(f"/cases/{case.reference}/messages", {"text": "Le grand bassin."})
    empty = resident.post(f"/cases/{case.reference}/messages", {"text": "  "})

    assert asked.status_code == 201 and asked.json()["kind"] == "message_to_citizen"
    assert replied.status_code == 201 and replied.json()["kind"] == "message_from_citizen"
    assert empty.status_code == 422 and "text" in empty.json()["errors"]
    timeline = resident.get(f"/cases/{case.reference}").json()["timeline"]
    assert [e["body"] for e in timeline[3:]] == ["Quel bassin vous intéresse ?", "Le grand bassin."]  # after accusés
    assert CaseEvent.objects.filter(case=case, channel="api").count() == 2
    assert AuditEvent.objects.filter(action="case.message_received", channel="api").exists()


def test_writing_to_the_requester_needs_the_write_scope(territory, agent_a, simple_procedure):
    case = _case(territory, simple_procedure)
    api = Api(token_for(agent_a, territory.commune_a, ["cases:read", "cases:submit"]))
    assert api.post(f"/cases/{case.reference}/messages", {"text": "Bonjour"}).status_code == 403


def test_documents_are_added_to_a_file_field_or_freely(territory, agent_a, citizen, birth_certificate):
    case = submit_case(
        organisation=territory.commune_a,
        procedure=birth_certificate,
        answers={"nom": "Martin"},
        requester=citizen,
        requester_name="Camille Martin",
        requester_email=citizen.email,
        actor=citizen,
    ).case
    resident = Api(token_for(citizen, territory.commune_a, CITIZEN_SCOPES))
    agent = Api(token_for(agent_a, territory.commune_a))

    given = resident.post_multipart(
        f"/cases/{case.reference}/documents",
        {"field_key": "justificatif", "file": [SimpleUploadedFile("id.pdf", PDF, content_type="application/pdf")]},
    )
    issued = agent.post_multipart(f"/cases/{case.reference}/documents", {"file": SimpleUploadedFile("copie.pdf", PDF)})
    too_many = resident.post_multipart(
        f"/cases/{case.reference}/documents",
        {"field_key": "justificatif", "file": [SimpleUploadedFile(f"p{i}.pdf", PDF) for i in range(2)]},
    )
    wrong_field = resident.post_multipart(
        f"/cases/{case.reference}/documents", {"field_key": "nom", "file": SimpleUploadedFile("x.pdf", PDF)}
    )

    assert given.status_code == 201, given.json()
    assert given.json()[0]["field_key"] == "justificatif"
    assert issued.status_code == 201 and issued.json()[0]["field_key"] == ""
    assert too_many.status_code == 422 and "2 fichier(s) au plus" in too_many.json()["errors"]["justificatif"][0]
    assert wrong_field.status_code == 422 and "nom" in wrong_field.json()["errors"]
    assert case.documents.filter(issued_by_administration=False).count() == 2  # besides the accusé de réception
    answers = {a["key"]: a["value"] for a in resident.get(f"/cases/{case.reference}").json()["answers"]}
    assert answers["justificatif"] == "id.pdf"


def test_a_resident_cannot_add_documents_to_a_closed_case(territory, agent_a, citizen, simple_procedure):
    case = _case(territory, simple_procedure, requester=citizen)
    apply_transition(case=case, transition_key="accept", actor=agent_a)
    response = Api(token_for(citizen, territory.commune_a, CITIZEN_SCOPES)).post_multipart(
        f"/cases/{case.reference}/documents", {"file": SimpleUploadedFile("x.pdf", PDF)}
    )
    assert response.status_code == 409
    assert "close" in response.json()["detail"]


def test_only_an_agent_issues_a_document(territory, citizen, simple_procedure):
    case = _case(territory, simple_procedure, requester=citizen)
    response = Api(token_for(citizen, territory.commune_a, CITIZEN_SCOPES)).post_multipart(
        f"/cases/{case.reference}/documents", {"issued": "true", "file": SimpleUploadedFile("x.pdf", PDF)}
    )
    assert response.status_code == 422
    assert "issued" in response.json()["errors"]
    assert not case.documents.exclude(name__startswith="accuse-de-reception-").exists()

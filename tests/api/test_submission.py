"""POST /api/v1/cases: a resident files for himself, an agent on someone's behalf; answers and files checked."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from parvis.accounts.enums import Role
from parvis.audit.models import AuditEvent
from parvis.cases.models import Case, CaseDocument
from tests.api.conftest import CITIZEN_SCOPES, PDF, Api, token_for
from tests.factories import MembershipFactory, UserFactory, published_procedure

GOOD_ANSWERS = {"nom": "Martin", "date_naissance": "14/07/1990", "mode": "Courrier"}


def _pdf(name: str = "identite.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_a_resident_submits_a_case_and_gets_its_reference_and_tracking_code(territory, citizen, simple_procedure):
    api = Api(token_for(citizen, territory.commune_a, CITIZEN_SCOPES))

    response = api.post("/cases", {"procedure": "question-elus", "answers": {"objet": "Horaires de la piscine"}})

    assert response.status_code == 201, response.json()
    body = response.json()
    case = Case.objects.get()
    assert body["reference"] == case.reference
    assert body["created"] is True
    assert len(body["tracking_code"]) == 10
    assert body["status_label"] == "Reçue"
    assert case.requester == citizen
    assert case.requester_email == citizen.email
    assert case.channel == "api"
    assert case.answers == {"objet": "Horaires de la piscine"}
    assert AuditEvent.objects.filter(action="case.submitted", channel="api", actor=citizen).exists()


def test_answers_are_checked_by_the_form_engine_with_errors_per_field_in_french(territory, citizen, birth_certificate):
    api = Api(token_for(citizen, territory.commune_a, CITIZEN_SCOPES))

    response = api.post(
        "/cases",
        {
            "procedure": "acte-naissance",
            "answers": {"date_naissance": "31/02/1990", "mode": "Pigeon voyageur", "couleur": "bleu"},
        },
    )

    assert response.status_code == 422
    body = response.json()
    assert "erreurs" in body["detail"]
    assert set(body["errors"]) == {"nom", "date_naissance", "mode", "couleur", "justificatif"}
    assert "Nom de naissance" in body["errors"]["nom"][0]
    assert body["errors"]["couleur"] == ["Ce champ n'existe pas dans ce formulaire."]
    assert "joignez au moins un fichier" in body["errors"]["justificatif"][0]
    assert not Case.objects.exists()


def test_a_resident_submits_answers_and_files_in_one_multipart_request(territory, citizen, birth_certificate):
    api = Api(token_for(citizen, territory.commune_a, CITIZEN_SCOPES))

    response = api.post_multipart(
        "/cases",
        {"payload": json.dumps({"procedure": "acte-naissance", "answers": GOOD_ANSWERS}), "justificatif": [_pdf()]},
    )

    assert response.status_code == 201, response.json()
    case = Case.objects.get()
    document = CaseDocument.objects.exclude(name__startswith="accuse-de-reception-").get(case=case)
    assert document.field_key == "justificatif"
    assert document.content_type == "application/pdf"
    assert case.answers["justificatif"] == [document.name]
    assert case.answers["date_naissance"] == "1990-07-14"
    detail = api.get(f"/cases/{case.reference}").json()
    row = next(a for a in detail["answers"] if a["key"] == "justificatif")
    assert (row["label"], row["value"]) == ("Pièce d'identité", document.name)


def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_filed(territory, citizen, birth_certificate):
    api = Api(token_for(citizen, territory.commune_a, CITIZEN_SCOPES))
    fake = SimpleUploadedFile("identite.pdf", b"GIF89a pas un PDF", content_type="application/pdf")

    response = api.post_multipart(
        "/cases",
        {"payload": json.dumps({"procedure": "acte-naissance", "answers": GOOD_ANSWERS}), "justificatif": [fake]},
    )

    assert response.status_code == 422
    assert "type de fichier" in response.json()["errors"]["justificatif"][0]
    assert not Case.objects.exists()


def test_the_same_idempotency_key_gives_back_the_same_case(territory, citizen, simple_procedure):
    api = Api(token_for(citizen, territory.commune_a, CITIZEN_SCOPES))
    payload = {"procedure": "question-elus", "answers": {"objet": "Une question"}}

    first = api.post("/cases", payload, headers={"Idempotency-Key": "envoi-42"})
    again = api.post("/cases", payload, headers={"Idempotency-Key": "envoi-42"})

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["reference"] == first.json()["reference"]
    assert again.json()["tracking_code"] is None
    assert again.json()["created"] is False
    assert Case.objects.count() == 1
    assert api.post("/cases", payload, headers={"Idempotency-Key": "envoi-43"}).status_code == 201
    assert Case.objects.count() == 2


def test_an_idempotency_key_is_per_user_and_per_procedure(territory, citizen, simple_procedure, birth_certificate):
    payload = {"procedure": "question-elus", "answers": {"objet": "Une question"}}
    api = Api(token_for(citizen, territory.commune_a, CITIZEN_SCOPES))
    assert api.post("/cases", payload, headers={"Idempotency-Key": "k1"}).status_code == 201

    other = UserFactory()
    assert (
        Api(token_for(other, territory.commune_a, CITIZEN_SCOPES))
        .post("/cases", payload, headers={"Idempotency-Key": "k1"})
        .status_code
        == 201
    )
    clash = api.post(
        "/cases", {"procedure": "acte-naissance", "answers": GOOD_ANSWERS}, headers={"Idempotency-Key": "k1"}
    )
    assert clash.status_code == 409
    assert "autre démarche" in clash.json()["detail"]


def test_an_agent_files_on_behalf_of_a_resident_with_the_channel_of_entry(territory, agent_a, simple_procedure):
    api = Api(token_for(agent_a, territory.commune_a, ["cases:submit"]))

    response = api.post(
        "/cases",
        {
            "procedure": "question-elus",
            "answers": {"objet": "Appel au sujet d'un lampadaire"},
            "requester": {"name": "Jeanne Dupont", "phone": "06 12 34 56 78"},
            "channel": "phone",
        },
    )

    assert response.status_code == 201, response.json()
    case = Case.objects.get()
    assert case.requester is None
    assert case.requester_name == "Jeanne Dupont"
    assert case.requester_phone == "06 12 34 56 78"
    assert case.channel == "phone"
    assert AuditEvent.objects.filter(action="case.submitted", channel="phone", actor=agent_a).exists()


def test_an_agent_must_name_the_requester_and_a_known_channel(territory, agent_a, simple_procedure):
    api = Api(token_for(agent_a, territory.commune_a, ["cases:submit"]))
    base = {"procedure": "question-elus", "answers": {"objet": "x"}}

    nobody = api.post("/cases", base)
    assert nobody.status_code == 422
    assert "requester.name" in nobody.json()["errors"]
    unreachable = api.post("/cases", base | {"requester": {"name": "Jeanne Dupont"}})
    assert "requester.email" in unreachable.json()["errors"]
    web = api.post("/cases", base | {"requester": {"name": "J D", "email": "j@example.org"}, "channel": "web"})
    assert web.status_code == 422
    assert "counter" in web.json()["errors"]["channel"][0]
    assert not Case.objects.exists()


def test_an_elected_official_cannot_file_cases(territory, simple_procedure):
    elected = UserFactory()
    MembershipFactory(user=elected, organisation=territory.commune_a, role=Role.ELECTED)
    api = Api(token_for(elected, territory.commune_a, ["cases:submit"]))
    response = api.post(
        "/cases",
        {"procedure": "question-elus", "answers": {"objet": "x"}, "requester": {"name": "A B", "email": "a@b.fr"}},
    )
    assert response.status_code == 403


def test_a_resident_files_for_himself_only(territory, citizen, simple_procedure):
    api = Api(token_for(citizen, territory.commune_a, CITIZEN_SCOPES))
    response = api.post(
        "/cases", {"procedure": "question-elus", "answers": {"objet": "x"}, "requester": {"name": "Quelqu'un"}}
    )
    assert response.status_code == 422
    assert "requester" in response.json()["errors"]


def test_bad_bodies_and_unknown_procedures_get_clear_errors(territory, citizen, simple_procedure):
    api = Api(token_for(citizen, territory.commune_a, CITIZEN_SCOPES))
    not_json = api.client.post("/api/v1/cases", "{pas du json", content_type="application/json")
    assert not_json.status_code == 422
    assert not_json.json()["detail"] == "Le corps de la requête n'est pas un JSON valide."
    assert api.post("/cases", {"answers": []}).json()["errors"].keys() == {"procedure", "answers"}
    unknown = api.post("/cases", {"procedure": "inconnue", "answers": {}})
    assert unknown.status_code == 422
    assert "procedure" in unknown.json()["errors"]


def test_submitting_needs_the_scope(territory, citizen, simple_procedure):
    api = Api(token_for(citizen, territory.commune_a, ["cases:read"]))
    assert api.post("/cases", {"procedure": "question-elus", "answers": {"objet": "x"}}).status_code == 403


def test_an_epci_procedure_is_filed_with_the_commune(territory, citizen, epci_admin):
    published_procedure(territory.epci, actor=epci_admin, title="Collecte des encombrants", slug="encombrants")
    api = Api(token_for(citizen, territory.commune_a, CITIZEN_SCOPES))
    response = api.post("/cases", {"procedure": "encombrants", "answers": {"objet": "Un canapé"}})
    assert response.status_code == 201
    assert Case.objects.get().organisation == territory.commune_a

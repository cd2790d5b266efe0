"""The agent's case page: access, what it shows, and each action through HTTP."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parvis.accounts.enums import Role
from parvis.audit.models import AuditEvent
from parvis.cases.enums import EventKind
from parvis.cases.models import Case, CaseDocument
from parvis.cases.services import add_document, apply_transition, create_canned_response, submit_case
from parvis.lib.uploads import check_upload
from parvis.notifications.models import OutboundMessage
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory, published_procedure

PDF = b"%PDF-1.4 piece jointe de test"


@pytest.fixture
def procedure(territory, admin_a):
    return published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)


@pytest.fixture
def case(territory, procedure, citizen):
    return submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Copie intégrale", "details": "Pour un mariage"},
        requester=citizen,
        requester_name="Camille Martin",
        requester_email=citizen.email,
        requester_phone="06 12 34 56 78",
        actor=citizen,
    ).case


@pytest.fixture
def elected(territory):
    user = UserFactory(email="elu@commune-a.test", first_name="Élise")
    MembershipFactory(user=user, organisation=territory.commune_a, role=Role.ELECTED)
    return user


def url(case, action=""):
    return f"/backoffice/demandes/{case.reference}/" + (f"{action}/" if action else "")


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def emails_to(address: str, event: str) -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(to=address, event=event))


# --- Access ---------------------------------------------------------------------------------


def test_the_agent_sees_the_whole_case_and_the_view_is_journaled(territory, case, agent_a):
    response = logged_in(agent_a, HOST_A).get(url(case))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Camille Martin" in page and "06 12 34 56 78" in page and "camille@example.org" in page
    # answers with the labels of the case's own version
    assert "Objet de la demande" in page and "Copie intégrale" in page and "Pour un mariage" in page
    assert "Prendre en charge" in page  # an action of the workflow from « Reçue »
    assert AuditEvent.objects.filter(
        action="personal_data.viewed", actor=agent_a, object_id=str(case.pk), object_type="cases.case"
    ).exists()


def test_an_agent_of_another_department_does_not_find_the_case(territory, case):
    voirie = DepartmentFactory(organisation=territory.commune_a, name="Voirie")
    other = UserFactory(email="voirie@commune-a.test")
    MembershipFactory(user=other, organisation=territory.commune_a, role=Role.BACK_OFFICE, department=voirie)
    assert logged_in(other, HOST_A).get(url(case)).status_code == 404
    assert logged_in(other, HOST_A).post(url(case, "note"), {"note-text": "x"}).status_code == 404


def test_an_agent_of_another_commune_gets_404_on_their_site_and_403_on_ours(territory, case, agent_b):
    on_b = logged_in(agent_b, HOST_B).get(url(case))
    assert on_b.status_code == 404
    assert "Camille Martin" not in on_b.content.decode()
    assert logged_in(agent_b, HOST_A).get(url(case)).status_code == 403
    assert logged_in(agent_b, HOST_B).post(url(case, "note"), {"note-text": "x"}).status_code == 404


def test_an_elected_official_reads_the_case_but_cannot_act(territory, case, elected):
    client = logged_in(elected, HOST_A)
    response = client.get(url(case))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Camille Martin" in page and "pas de la traiter" in page
    assert "Prendre en charge" not in page
    for action, data in [
        ("etape", {"transition": "start"}),
        ("note", {"note-text": "x"}),
        ("message", {"message-text": "x"}),
        ("attribution", {"assign_me": "1"}),
    ]:
        assert client.post(url(case, action), data).status_code == 403
    assert fresh(case).status == "received"


# --- Workflow -------------------------------------------------------------------------------


def test_a_transition_moves_the_case_and_tells_the_requester(territory, case, agent_a):
    response = logged_in(agent_a, HOST_A).post(url(case, "etape"), {"transition": "start"})
    assert response.status_code == 302 and response["Location"] == url(case)
    assert fresh(case).status == "in_progress"
    assert emails_to(case.requester_email, "case.status_changed")


def test_a_transition_requiring_a_comment_is_refused_without_one_and_keeps_the_page(territory, case, agent_a):
    client = logged_in(agent_a, HOST_A)
    response = client.post(url(case, "etape"), {"transition": "reject", "transition-comment": "  "})
    assert response.status_code == 200
    assert "Un commentaire est obligatoire" in response.content.decode()
    assert fresh(case).status == "received"

    response = client.post(url(case, "etape"), {"transition": "reject", "transition-comment": "Pièce manquante."})
    assert response.status_code == 302
    assert fresh(case).status == "rejected" and not fresh(case).is_open
    event = case.events.get(kind=EventKind.STATUS_CHANGED)
    assert event.body == "Pièce manquante." and event.actor == agent_a


def test_an_illegal_transition_is_explained_in_french(territory, case, agent_a):
    response = logged_in(agent_a, HOST_A).post(url(case, "etape"), {"transition": "resume"})
    assert response.status_code == 200
    assert "Cette action n&#x27;est pas possible depuis l&#x27;étape « Reçue »" in response.content.decode()
    assert fresh(case).status == "received"


# --- Notes, messages, documents -------------------------------------------------------------


def test_an_internal_note_is_shown_to_agents_as_internal_only(territory, case, agent_a):
    client = logged_in(agent_a, HOST_A)
    assert client.post(url(case, "note"), {"note-text": "Appeler la mairie de naissance."}).status_code == 302
    note = case.events.get(kind=EventKind.NOTE)
    assert not note.visible_to_citizen and note.body == "Appeler la mairie de naissance."
    assert AuditEvent.objects.filter(action="case.note_added", object_id=str(case.pk)).exists()
    page = client.get(url(case)).content.decode()
    assert "Appeler la mairie de naissance." in page and "interne" in page


def test_an_empty_note_is_refused(territory, case, agent_a):
    response = logged_in(agent_a, HOST_A).post(url(case, "note"), {"note-text": ""})
    assert response.status_code == 200 and "Ce champ est obligatoire" in response.content.decode()
    assert not case.events.filter(kind=EventKind.NOTE).exists()


def test_a_message_is_emailed_to_the_requester_with_its_attachment_in_their_space(territory, case, agent_a):
    response = logged_in(agent_a, HOST_A).post(
        url(case, "message"),
        {
            "message-text": "Merci de nous envoyer votre livret de famille.",
            "message-attachment": SimpleUploadedFile("modele.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    (email,) = emails_to(case.requester_email, "case.message")
    assert "livret de famille" in email.body_text
    message = case.events.get(kind=EventKind.MESSAGE_TO_CITIZEN)
    document = CaseDocument.objects.exclude(name__startswith="accuse-de-reception-").get(case=case)
    assert message.visible_to_citizen and message.data == {"document": document.pk}
    assert document.visible_to_citizen and document.name == "modele.pdf"


def test_the_agent_delivers_the_document_asked_for_and_the_requester_finds_it_among_the_issued_ones(
    territory, case, agent_a, citizen
):
    response = logged_in(agent_a, HOST_A).post(
        url(case, "message"),
        {
            "message-text": "Votre extrait d'acte de naissance est joint.",
            "message-attachment": SimpleUploadedFile("extrait.pdf", PDF, content_type="application/pdf"),
            "message-issued": "on",
        },
    )
    assert response.status_code == 302
    document = CaseDocument.objects.exclude(name__startswith="accuse-de-reception-").get(case=case)
    assert document.issued_by_administration and document.visible_to_citizen
    assert case.events.filter(kind=EventKind.DOCUMENT_ADDED, title="Document délivré : extrait.pdf").exists()
    page = logged_in(citizen, HOST_A).get(f"/mon-espace/demandes/{case.reference}/").content.decode()
    issued = page.split("Documents délivrés par l'administration")[1].split("Documents du dossier")[0]
    assert "extrait.pdf" in issued


def test_announcing_a_delivered_document_without_attaching_it_sends_nothing_and_keeps_the_text(
    territory, case, agent_a
):
    response = logged_in(agent_a, HOST_A).post(
        url(case, "message"),
        {"message-text": "Votre acte est joint.", "message-issued": "on"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Joignez le document délivré" in page and "Votre acte est joint." in page
    assert not case.events.filter(kind=EventKind.MESSAGE_TO_CITIZEN).exists()


def test_a_message_with_a_refused_attachment_sends_nothing_and_keeps_the_text(territory, case, agent_a):
    response = logged_in(agent_a, HOST_A).post(
        url(case, "message"),
        {
            "message-text": "Texte à garder",
            "message-attachment": SimpleUploadedFile("script.svg", b"<svg onload=alert(1)>", content_type="image/svg"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "type de fichier n&#x27;est pas accepté" in page and "Texte à garder" in page
    assert not emails_to(case.requester_email, "case.message")
    assert not case.events.filter(kind=EventKind.MESSAGE_TO_CITIZEN).exists()


def test_a_canned_response_is_inserted_into_the_message_without_sending_it(territory, case, agent_a, admin_a):
    canned = create_canned_response(
        organisation=territory.commune_a, title="Pièce manquante", text="Il manque une pièce.", actor=admin_a
    )
    client = logged_in(agent_a, HOST_A)
    assert "Pièce manquante" in client.get(url(case)).content.decode()
    response = client.post(
        url(case, "message"), {"message-canned": canned.pk, "message-text": "Bonjour,", "insert_canned": "1"}
    )
    assert response.status_code == 200
    assert "Bonjour,\n\nIl manque une pièce.</textarea>" in response.content.decode()
    assert not emails_to(case.requester_email, "case.message")


def test_documents_download_only_through_the_checked_view(territory, case, agent_a, agent_b, citizen):
    document = add_document(case=case, upload=check_upload(SimpleUploadedFile("acte.pdf", PDF)), actor=citizen)
    download = f"{url(case)}documents/{document.pk}/"
    response = logged_in(agent_a, HOST_A).get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="personal_data.viewed", object_type="cases.casedocument").exists()
    assert f'href="{download}"' in logged_in(agent_a, HOST_A).get(url(case)).content.decode()

    assert logged_in(agent_b, HOST_B).get(download).status_code == 404
    assert logged_in(agent_b, HOST_A).get(download).status_code == 403
    other = submit_case(
        organisation=territory.commune_a,
        procedure=case.procedure,
        answers={},
        requester=None,
        requester_name="Autre",
        requester_email="autre@example.org",
        actor=None,
    ).case
    assert logged_in(agent_a, HOST_A).get(f"{url(other)}documents/{document.pk}/").status_code == 404


# --- Assignment, transfer, links ------------------------------------------------------------


def test_the_agent_takes_the_case_then_gives_it_to_a_colleague(territory, case, agent_a, admin_a):
    client = logged_in(agent_a, HOST_A)
    assert client.post(url(case, "attribution"), {"assign_me": "1"}).status_code == 302
    assert fresh(case).assigned_to == agent_a
    assert client.post(url(case, "attribution"), {"assign-agent": admin_a.pk}).status_code == 302
    assert fresh(case).assigned_to == admin_a
    assert client.post(url(case, "attribution"), {"assign-agent": ""}).status_code == 302
    assert fresh(case).assigned_to is None
    assert case.events.filter(kind=EventKind.ASSIGNED, visible_to_citizen=False).count() == 3


def test_a_case_cannot_be_given_to_an_outsider_or_an_elected_official(territory, case, agent_a, agent_b, elected):
    client = logged_in(agent_a, HOST_A)
    for person in (agent_b, elected):
        response = client.post(url(case, "attribution"), {"assign-agent": person.pk})
        assert response.status_code == 200 and "Sélectionnez un choix valide" in response.content.decode()
    assert fresh(case).assigned_to is None


def test_a_transfer_to_another_department_needs_a_reason_and_hands_the_case_over(territory, case, agent_a):
    voirie = DepartmentFactory(organisation=territory.commune_a, name="Voirie")
    client = logged_in(agent_a, HOST_A)
    client.post(url(case, "attribution"), {"assign_me": "1"})

    response = client.post(url(case, "transfert"), {"transfer-target": f"department:{voirie.pk}"})
    assert response.status_code == 200 and "Ce champ est obligatoire" in response.content.decode()

    response = client.post(
        url(case, "transfert"),
        {"transfer-target": f"department:{voirie.pk}", "transfer-reason": "Concerne la chaussée."},
    )
    # the agent is limited to État civil and no longer assigned: back to the queue
    assert response.status_code == 302 and response["Location"] == "/backoffice/demandes/"
    moved = fresh(case)
    assert moved.department == voirie and moved.assigned_to is None
    event = case.events.get(kind=EventKind.TRANSFERRED)
    assert event.data["reason"] == "Concerne la chaussée." and "Voirie" in event.title
    assert client.get(url(case)).status_code == 404


def test_a_transfer_to_another_commune_keeps_the_reference_and_moves_the_access(
    territory, case, agent_a, agent_b, citizen
):
    form = logged_in(agent_a, HOST_A).get(url(case)).content.decode()
    assert "Commune B (sans service désigné)" in form and "Commune B — État civil B" in form
    response = logged_in(agent_a, HOST_A).post(
        url(case, "transfert"),
        {"transfer-target": f"department:{territory.department_b.pk}", "transfer-reason": "Adresse à Commune B."},
    )
    assert response.status_code == 302 and response["Location"] == "/backoffice/demandes/"
    moved = fresh(case)
    assert moved.organisation == territory.commune_b and moved.reference == case.reference
    assert moved.department == territory.department_b
    assert set(moved.events.values_list("organisation_id", flat=True)) == {territory.commune_b.pk}
    assert logged_in(agent_a, HOST_A).get(url(case)).status_code == 404
    assert logged_in(agent_b, HOST_B).get(url(case)).status_code == 200
    (email,) = emails_to(citizen.email, "case.status_changed")
    assert HOST_B in email.body_text
    assert AuditEvent.objects.filter(action="case.transferred_in", organisation=territory.commune_b).exists()


def test_cases_are_linked_by_reference_and_unlinked(territory, case, procedure, agent_a):
    other = submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={},
        requester=None,
        requester_name="Voisin",
        requester_email="voisin@example.org",
        actor=None,
    ).case
    client = logged_in(agent_a, HOST_A)
    response = client.post(url(case, "liens"), {"link-reference": "XXX-2026-999999"})
    assert "Aucune demande que vous pouvez consulter" in response.content.decode()

    assert client.post(url(case, "liens"), {"link-reference": other.reference.lower()}).status_code == 302
    assert f'href="{url(case)}"' in client.get(url(other)).content.decode()
    response = client.post(url(case, "liens"), {"link-reference": other.reference})
    assert "déjà liée" in response.content.decode()

    assert client.post(f"{url(case)}liens/{other.reference}/retirer/").status_code == 302
    assert f'href="{url(case)}"' not in client.get(url(other)).content.decode()


def test_a_closed_case_cannot_be_transferred(territory, case, agent_a):
    apply_transition(case=case, transition_key="accept", actor=agent_a)
    voirie = DepartmentFactory(organisation=territory.commune_a, name="Voirie")
    response = logged_in(agent_a, HOST_A).post(
        url(case, "transfert"), {"transfer-target": f"department:{voirie.pk}", "transfer-reason": "Erreur"}
    )
    assert response.status_code == 200 and "close" in response.content.decode()
    assert fresh(case).department == territory.department_a


def test_the_case_page_issues_the_same_number_of_queries_however_long_its_history(
    territory, case, procedure, agent_a, citizen
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parvis.cases.services import add_note, link_cases

    client = logged_in(agent_a, HOST_A)
    client.get(url(case))  # warm the hostname cache

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(case)).status_code == 200
        return len(queries)

    def add_history(i: int) -> None:
        add_note(case=case, text=f"Note {i}", actor=agent_a)
        add_document(case=case, upload=check_upload(SimpleUploadedFile(f"p{i}.pdf", PDF)), actor=citizen)
        other = submit_case(
            organisation=territory.commune_a,
            procedure=procedure,
            answers={},
            requester=None,
            requester_name=f"Lié {i}",
            requester_email="lie@example.org",
            actor=None,
        ).case
        link_cases(case=case, other=other, actor=agent_a)

    add_history(0)
    short = count()
    for i in range(1, 16):
        add_history(i)
    assert count() == short

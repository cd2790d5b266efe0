"""Following a case without an account: reference + tracking code, remembered in the session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from parvis.cases.enums import EventKind
from parvis.cases.models import CaseDocument
from parvis.cases.services import add_document, add_note, apply_transition, message_citizen, submit_case
from parvis.cases.views.citizen import TRACKING_LIMITED, TRACKING_NOT_FOUND
from parvis.lib.uploads import check_upload
from parvis.notifications.models import OutboundMessage
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import published_procedure

ANSWER = "Acte de naissance de Léa, née à Testville"


@pytest.fixture
def procedure(territory, admin_a):
    return published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)


@pytest.fixture
def submission(territory, procedure):
    """A case filed without an account (at the counter, or online without logging in)."""
    return submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": ANSWER},
        requester=None,
        requester_name="Dominique Durand",
        requester_email="dominique@example.org",
        actor=None,
    )


def _unlock(client: Client, reference: str, code: str):
    return client.post("/suivi/", {"reference": reference, "code": code})


def _pdf(name="piece.pdf", content=b"%PDF-1.4 piece"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_right_code_opens_the_case_page_for_this_session(territory, submission, agent_a):
    case = submission.case
    message_citizen(case=case, text="Merci de passer en mairie.", actor=agent_a)
    add_note(case=case, text="Note interne à ne jamais montrer", actor=agent_a)
    client = Client(HTTP_HOST=HOST_A)

    response = _unlock(client, case.reference.lower(), submission.tracking_code.lower())
    assert response.status_code == 302 and response["Location"] == f"/suivi/{case.reference}/"
    page = client.get(f"/suivi/{case.reference}/").content.decode()
    assert ANSWER in page and "Merci de passer en mairie." in page
    assert "d•••@example.org" in page  # where the notifications go, masked
    assert "Note interne" not in page and "jamais montrer" not in page

    assert Client(HTTP_HOST=HOST_A).get(f"/suivi/{case.reference}/").status_code == 404  # another browser
    other_session_on_b = Client(HTTP_HOST=HOST_B)
    assert other_session_on_b.get(f"/suivi/{case.reference}/").status_code == 404


def test_without_the_code_the_case_is_not_found_even_for_its_commune_agents(territory, submission, agent_a):
    reference = submission.case.reference
    assert Client(HTTP_HOST=HOST_A).get(f"/suivi/{reference}/").status_code == 404
    assert logged_in(agent_a, HOST_A).get(f"/suivi/{reference}/").status_code == 404


def test_a_wrong_code_and_an_unknown_reference_get_the_same_answer(territory, submission):
    client = Client(HTTP_HOST=HOST_A)
    wrong_code = _unlock(client, submission.case.reference, "ABCDEFGHJK")
    unknown = _unlock(client, "ZZZ-2026-999999", "ABCDEFGHJK")
    for response in (wrong_code, unknown):
        assert response.status_code == 200
        assert TRACKING_NOT_FOUND.replace("'", "&#x27;") in response.content.decode()
        assert ANSWER not in response.content.decode()
    assert client.get(f"/suivi/{submission.case.reference}/").status_code == 404


def test_the_code_of_a_case_of_commune_a_does_not_work_on_commune_b(territory, submission):
    client = Client(HTTP_HOST=HOST_B)
    response = _unlock(client, submission.case.reference, submission.tracking_code)
    assert response.status_code == 200 and "Aucune demande ne correspond" in response.content.decode()


def test_a_missing_field_keeps_what_was_typed(territory, submission):
    response = _unlock(Client(HTTP_HOST=HOST_A), "ADM-2026-000001", "")
    page = response.content.decode()
    assert response.status_code == 200 and "Ce champ est obligatoire" in page and "ADM-2026-000001" in page


def test_ten_wrong_tries_from_one_ip_block_even_the_right_code_for_a_while(territory, submission):
    client = Client(HTTP_HOST=HOST_A, REMOTE_ADDR="203.0.113.7")
    for _ in range(10):
        assert _unlock(client, submission.case.reference, "ABCDEFGHJK").status_code == 200
    blocked = _unlock(client, submission.case.reference, submission.tracking_code)
    assert blocked.status_code == 429
    assert TRACKING_LIMITED.replace("'", "&#x27;") in blocked.content.decode()
    assert client.get(f"/suivi/{submission.case.reference}/").status_code == 404

    other_ip = Client(HTTP_HOST=HOST_A, REMOTE_ADDR="198.51.100.4")
    assert _unlock(other_ip, submission.case.reference, submission.tracking_code).status_code == 302


def test_the_tracking_form_is_prefilled_with_the_reference_from_the_link(territory):
    page = Client(HTTP_HOST=HOST_A).get("/suivi/?reference=ADM-2026-000042").content.decode()
    assert 'value="ADM-2026-000042"' in page


def test_a_tracked_case_receives_a_reply_and_a_document(territory, submission, agent_a):
    case = submission.case
    apply_transition(
        case=case,
        transition_key="ask_citizen",
        actor=agent_a,
        comment="Joignez le livret de famille.",
        action_data={"items": ["Livret de famille"], "deadline": timezone.localdate() + dt.timedelta(days=30)},
    )
    client = Client(HTTP_HOST=HOST_A)
    _unlock(client, case.reference, submission.tracking_code)
    page = client.get(f"/suivi/{case.reference}/").content.decode()
    assert "Joignez le livret de famille." in page and "Réponse attendue de votre part" in page

    reply = client.post(f"/suivi/{case.reference}/repondre/", {"reply-text": "Je l'apporte lundi."})
    assert reply.status_code == 302 and reply["Location"] == f"/suivi/{case.reference}/#echanges"
    event = case.events.get(kind=EventKind.MESSAGE_FROM_CITIZEN)
    assert event.body == "Je l'apporte lundi." and event.actor is None

    added = client.post(f"/suivi/{case.reference}/documents/ajouter/", {"document-file": _pdf("livret.pdf")})
    assert added.status_code == 302
    document = CaseDocument.objects.get(case=case, issued_by_administration=False)  # not the L114-5 letter
    download = client.get(f"/suivi/{case.reference}/documents/{document.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 piece"
    assert Client(HTTP_HOST=HOST_A).get(f"/suivi/{case.reference}/documents/{document.pk}/").status_code == 404


def test_a_tracked_case_does_not_open_the_documents_of_another_case(territory, procedure, submission, citizen):
    other = submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Autre"},
        requester=citizen,
        requester_name="Camille",
        requester_email=citizen.email,
        actor=citizen,
    ).case
    document = add_document(case=other, upload=check_upload(_pdf()), actor=citizen)
    client = Client(HTTP_HOST=HOST_A)
    _unlock(client, submission.case.reference, submission.tracking_code)
    assert client.get(f"/suivi/{submission.case.reference}/documents/{document.pk}/").status_code == 404
    assert client.get(f"/suivi/{other.reference}/").status_code == 404


def test_the_email_given_at_submission_is_told_of_status_changes(territory, submission, agent_a):
    apply_transition(case=submission.case, transition_key="start", actor=agent_a)
    message = OutboundMessage.objects.get(event="case.status_changed")
    assert message.to == "dominique@example.org"
    assert "En cours d'instruction" in message.body_text and "/suivi/" in message.body_text


def test_a_tracked_closed_case_refuses_a_reply(territory, submission, agent_a):
    case = submission.case
    apply_transition(case=case, transition_key="close", actor=agent_a, comment="Doublon.")
    client = Client(HTTP_HOST=HOST_A)
    _unlock(client, case.reference, submission.tracking_code)
    response = client.post(f"/suivi/{case.reference}/repondre/", {"reply-text": "Pourquoi ?"})
    assert "Cette demande est close" in response.content.decode()
    assert not case.events.filter(kind=EventKind.MESSAGE_FROM_CITIZEN).exists()

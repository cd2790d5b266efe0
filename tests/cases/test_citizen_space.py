"""The requester's side of cases, through HTTP: "Mes demandes", the case page, replies and documents."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parvis.audit.models import AuditEvent
from parvis.cases.drafts import start_draft
from parvis.cases.enums import EventKind
from parvis.cases.models import Case, CaseDocument
from parvis.cases.services import add_document, add_note, apply_transition, message_citizen, submit_case
from parvis.lib.uploads import check_upload
from parvis.notifications.models import OutboundMessage
from parvis.organisations.queries import absolute_url
from parvis.procedures.workflow import default_workflow
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import UserFactory, published_procedure

INTERNAL_STATUS = "Contrôle interne confidentiel"
INTERNAL_NOTE = "Note interne : dossier suspect, ne pas divulguer"


@pytest.fixture
def procedure(territory, admin_a):
    return published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)


@pytest.fixture
def procedure_b(territory):
    return published_procedure(territory.commune_b, title="Inscription scolaire", slug="inscription-scolaire")


def _submit(organisation, procedure, user, objet="Copie intégrale"):
    return submit_case(
        organisation=organisation,
        procedure=procedure,
        answers={"objet": objet},
        requester=user,
        requester_name=user.get_full_name(),
        requester_email=user.email,
        actor=user,
    ).case


def _pdf(name="justificatif.pdf", content=b"%PDF-1.4 justificatif"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _page(client, case):
    return client.get(f"/mon-espace/demandes/{case.reference}/")


# --- Mes demandes ---------------------------------------------------------------------------


def test_my_cases_lists_only_my_cases_filed_with_this_commune(territory, procedure, procedure_b, citizen):
    mine_a = _submit(territory.commune_a, procedure, citizen)
    mine_b = _submit(territory.commune_b, procedure_b, citizen)
    someone_else = _submit(territory.commune_a, procedure, UserFactory())

    page_a = logged_in(citizen, HOST_A).get("/mon-espace/demandes/").content.decode()
    assert mine_a.reference in page_a
    assert mine_b.reference not in page_a and "Inscription scolaire" not in page_a
    assert someone_else.reference not in page_a

    page_b = logged_in(citizen, HOST_B).get("/mon-espace/demandes/").content.decode()
    assert mine_b.reference in page_b and mine_a.reference not in page_b


def test_my_cases_lists_newest_first_with_status_and_next_step(territory, procedure, citizen):
    first = _submit(territory.commune_a, procedure, citizen, objet="Première")
    second = _submit(territory.commune_a, procedure, citizen, objet="Seconde")
    apply_transition(case=first, transition_key="start", actor=None)

    page = logged_in(citizen, HOST_A).get("/mon-espace/demandes/").content.decode()
    assert page.index(second.reference) < page.index(first.reference)
    assert "En cours d&#x27;instruction" in page
    assert "en cours d&#x27;instruction par le service État civil A" in page
    assert "Elle va être examinée par le service État civil A" in page


def test_my_cases_points_to_the_drafts_not_yet_sent_here(territory, procedure, procedure_b, citizen):
    client = logged_in(citizen, HOST_A)
    assert "brouillons" not in client.get("/mon-espace/demandes/").content.decode()
    start_draft(organisation=territory.commune_a, procedure=procedure, user=citizen, session_key="", actor=citizen)
    start_draft(organisation=territory.commune_b, procedure=procedure_b, user=citizen, session_key="", actor=citizen)
    page = client.get("/mon-espace/demandes/").content.decode()
    assert "Vous avez 1 démarche commencée et pas encore envoyée" in page
    assert 'href="/demarches/brouillons/"' in page


def test_my_cases_flags_an_unanswered_message_and_a_request_for_information(territory, procedure, citizen, agent_a):
    case = _submit(territory.commune_a, procedure, citizen)
    client = logged_in(citizen, HOST_A)
    assert "Nouveau message" not in client.get("/mon-espace/demandes/").content.decode()

    message_citizen(case=case, text="Pouvez-vous préciser la date ?", actor=agent_a)
    apply_transition(
        case=case,
        transition_key="ask_citizen",
        actor=agent_a,
        comment="Il manque le livret de famille.",
        action_data={"items": ["Livret de famille"], "deadline": timezone.localdate() + dt.timedelta(days=30)},
    )
    page = client.get("/mon-espace/demandes/").content.decode()
    assert "Nouveau message" in page and "Réponse attendue de votre part" in page
    assert "attend des informations ou des documents de votre part" in page

    client.post(f"/mon-espace/demandes/{case.reference}/repondre/", {"reply-text": "Le 3 mars 1990."})
    assert "Nouveau message" not in client.get("/mon-espace/demandes/").content.decode()


def test_an_internal_status_shows_the_last_visible_one(territory, admin_a, citizen, agent_a):
    workflow = default_workflow()
    workflow["statuses"].append({"key": "checking", "label": INTERNAL_STATUS, "visible": False})
    workflow["transitions"].append({"key": "check", "label": "Contrôler", "from": ["in_progress"], "to": "checking"})
    workflow["transitions"].append({"key": "done", "label": "Conclure", "from": ["checking"], "to": "accepted"})
    procedure = published_procedure(
        territory.commune_a, actor=admin_a, department=territory.department_a, slug="controle", workflow=workflow
    )
    case = _submit(territory.commune_a, procedure, citizen)
    apply_transition(case=case, transition_key="start", actor=agent_a)
    apply_transition(case=case, transition_key="check", actor=agent_a)
    add_note(case=case, text=INTERNAL_NOTE, actor=agent_a)
    client = logged_in(citizen, HOST_A)

    for page in (client.get("/mon-espace/demandes/").content.decode(), _page(client, case).content.decode()):
        assert "En cours d&#x27;instruction" in page
        assert "Contrôle interne" not in page and "ne pas divulguer" not in page and "Note interne" not in page


def test_my_cases_keeps_a_bounded_number_of_queries(territory, procedure, citizen, agent_a):
    client = logged_in(citizen, HOST_A)

    def queries_for(total: int) -> int:
        while Case.objects.filter(requester=citizen).count() < total:
            case = _submit(territory.commune_a, procedure, citizen)
            message_citizen(case=case, text="Une question", actor=agent_a)
            apply_transition(case=case, transition_key="start", actor=agent_a)
        client.get("/mon-espace/demandes/")  # the commune's hostname is cached after the first request
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/mon-espace/demandes/").status_code == 200
        return len(captured)

    with_3 = queries_for(3)
    assert queries_for(30) == with_3
    assert with_3 <= 10


# --- The case page ----------------------------------------------------------------------------


def test_the_case_page_shows_the_citizen_timeline_messages_and_answers(territory, procedure, citizen, agent_a):
    case = _submit(territory.commune_a, procedure, citizen, objet="Copie intégrale pour mariage")
    message_citizen(case=case, text="Votre acte sera prêt jeudi.", actor=agent_a)
    apply_transition(
        case=case,
        transition_key="ask_citizen",
        actor=agent_a,
        comment="Merci de joindre une pièce.",
        action_data={"items": ["Livret de famille"], "deadline": timezone.localdate() + dt.timedelta(days=30)},
    )
    add_note(case=case, text=INTERNAL_NOTE, actor=agent_a)

    response = _page(logged_in(citizen, HOST_A), case)
    page = response.content.decode()
    assert response.status_code == 200
    assert case.reference in page and "Demande d&#x27;acte de naissance" in page
    assert "Site web" in page  # the channel
    assert "Votre acte sera prêt jeudi." in page and "Message du service État civil A" in page
    assert "Informations ou pièces à fournir" in page and "Merci de joindre une pièce." in page
    assert "Copie intégrale pour mariage" in page and "Objet de la demande" in page
    assert "ne pas divulguer" not in page and "Note interne" not in page
    assert "Attribuée" not in page


def test_the_case_page_of_another_user_or_commune_is_not_found(territory, procedure, procedure_b, citizen):
    theirs = _submit(territory.commune_a, procedure, UserFactory())
    mine_b = _submit(territory.commune_b, procedure_b, citizen)
    client = logged_in(citizen, HOST_A)
    assert _page(client, theirs).status_code == 404
    assert _page(client, mine_b).status_code == 404
    assert _page(logged_in(citizen, HOST_B), mine_b).status_code == 200


def test_the_case_page_keeps_a_bounded_number_of_queries(territory, procedure, citizen, agent_a):
    case = _submit(territory.commune_a, procedure, citizen)
    client = logged_in(citizen, HOST_A)

    def queries() -> int:
        _page(client, case)  # the commune's hostname is cached after the first request
        with CaptureQueriesContext(connection) as captured:
            assert _page(client, case).status_code == 200
        return len(captured)

    few = queries()
    for n in range(10):
        message_citizen(case=case, text=f"Message {n}", actor=agent_a)
        add_document(case=case, upload=check_upload(_pdf(f"piece-{n}.pdf")), actor=agent_a)
    assert queries() == few


# --- Documents --------------------------------------------------------------------------------


def test_the_requester_downloads_own_and_issued_documents_but_not_internal_ones(territory, procedure, citizen, agent_a):
    case = _submit(territory.commune_a, procedure, citizen)
    given = add_document(case=case, upload=check_upload(_pdf("livret.pdf", b"%PDF-1.4 livret")), actor=citizen)
    issued = add_document(
        case=case,
        upload=check_upload(_pdf("acte.pdf", b"%PDF-1.4 acte")),
        actor=agent_a,
        issued_by_administration=True,
    )
    internal = add_document(
        case=case,
        upload=check_upload(_pdf("enquete-interne.pdf", b"%PDF-1.4 interne")),
        actor=agent_a,
        visible_to_citizen=False,
    )
    client = logged_in(citizen, HOST_A)

    page = _page(client, case).content.decode()
    assert "livret.pdf" in page and "acte.pdf" in page and "enquete-interne" not in page
    for document, content in ((given, b"%PDF-1.4 livret"), (issued, b"%PDF-1.4 acte")):
        response = client.get(f"/mon-espace/demandes/{case.reference}/documents/{document.pk}/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == content
        assert response["Content-Disposition"].startswith("attachment")
    assert client.get(f"/mon-espace/demandes/{case.reference}/documents/{internal.pk}/").status_code == 404


def test_someone_elses_document_is_not_found_even_through_my_own_case(territory, procedure, citizen):
    mine = _submit(territory.commune_a, procedure, citizen)
    other_user = UserFactory()
    theirs = _submit(territory.commune_a, procedure, other_user)
    document = add_document(case=theirs, upload=check_upload(_pdf()), actor=other_user)
    client = logged_in(citizen, HOST_A)
    assert client.get(f"/mon-espace/demandes/{theirs.reference}/documents/{document.pk}/").status_code == 404
    assert client.get(f"/mon-espace/demandes/{mine.reference}/documents/{document.pk}/").status_code == 404


def test_the_requester_adds_a_document_to_an_open_case(territory, procedure, citizen, agent_a):
    case = _submit(territory.commune_a, procedure, citizen)
    apply_transition(
        case=case,
        transition_key="ask_citizen",
        actor=agent_a,
        comment="Joignez le livret.",
        action_data={"items": ["Livret de famille"], "deadline": timezone.localdate() + dt.timedelta(days=30)},
    )
    client = logged_in(citizen, HOST_A)
    page = _page(client, case).content.decode()
    assert "Le service attend peut-être un document de votre part" in page

    response = client.post(
        f"/mon-espace/demandes/{case.reference}/documents/ajouter/", {"document-file": _pdf("livret.pdf")}
    )
    assert response.status_code == 302 and response["Location"].endswith("#documents")
    document = CaseDocument.objects.get(case=case, issued_by_administration=False)  # not the L114-5 letter
    assert document.name == "livret.pdf" and document.uploaded_by == citizen and document.visible_to_citizen
    assert case.events.filter(kind=EventKind.DOCUMENT_ADDED, visible_to_citizen=True).exists()
    assert AuditEvent.objects.filter(action="case.document_added", object_id=str(case.pk)).exists()


def test_a_file_of_a_refused_type_is_rejected_with_a_french_error(territory, procedure, citizen):
    case = _submit(territory.commune_a, procedure, citizen)
    response = logged_in(citizen, HOST_A).post(
        f"/mon-espace/demandes/{case.reference}/documents/ajouter/",
        {"document-file": SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/pdf")},
    )
    assert response.status_code == 200
    assert "Ce type de fichier n&#x27;est pas accepté" in response.content.decode()
    assert not CaseDocument.objects.exclude(name__startswith="accuse-de-reception-").exists()


# --- Replies ----------------------------------------------------------------------------------


def test_the_requester_replies_with_an_attachment_and_it_is_journaled(territory, procedure, citizen, agent_a):
    case = _submit(territory.commune_a, procedure, citizen)
    message_citizen(case=case, text="Quelle est la date de naissance ?", actor=agent_a)
    client = logged_in(citizen, HOST_A)

    response = client.post(
        f"/mon-espace/demandes/{case.reference}/repondre/",
        {"reply-text": "Le 3 mars 1990, à Lyon.", "reply-attachment": _pdf("naissance.pdf")},
    )
    assert response.status_code == 302 and response["Location"].endswith("#echanges")
    event = case.events.get(kind=EventKind.MESSAGE_FROM_CITIZEN)
    assert event.body == "Le 3 mars 1990, à Lyon." and event.actor == citizen and event.visible_to_citizen
    assert CaseDocument.objects.exclude(name__startswith="accuse-de-reception-").get(case=case).name == "naissance.pdf"
    assert AuditEvent.objects.filter(action="case.message_received", object_id=str(case.pk)).exists()
    page = _page(client, case).content.decode()
    assert "Votre message" in page and "Le 3 mars 1990, à Lyon." in page


def test_an_empty_reply_is_refused_and_a_bad_attachment_keeps_the_text(territory, procedure, citizen):
    case = _submit(territory.commune_a, procedure, citizen)
    client = logged_in(citizen, HOST_A)
    url = f"/mon-espace/demandes/{case.reference}/repondre/"

    empty = client.post(url, {"reply-text": "   "})
    assert empty.status_code == 200 and "Ce champ est obligatoire" in empty.content.decode()

    bad = client.post(url, {"reply-text": "Voici la pièce", "reply-attachment": SimpleUploadedFile("x.txt", b"hello")})
    page = bad.content.decode()
    assert "Ce type de fichier n&#x27;est pas accepté" in page and "Voici la pièce" in page
    assert not case.events.filter(kind=EventKind.MESSAGE_FROM_CITIZEN).exists()


def test_a_reply_or_a_document_on_a_closed_case_is_refused_clearly(territory, procedure, citizen, agent_a):
    case = _submit(territory.commune_a, procedure, citizen)
    apply_transition(case=case, transition_key="accept", actor=agent_a)
    client = logged_in(citizen, HOST_A)
    page = _page(client, case).content.decode()
    assert "Cette demande est close" in page and "Envoyer le message" not in page
    assert "Acceptée" in page and "Le traitement de votre demande est terminé" in page
    assert "Ajouter le document" not in page

    reply = client.post(f"/mon-espace/demandes/{case.reference}/repondre/", {"reply-text": "Encore une chose"})
    assert reply.status_code == 200
    assert "Cette demande est close : vous ne pouvez plus y répondre" in reply.content.decode()
    assert "Encore une chose" in reply.content.decode()
    document = client.post(f"/mon-espace/demandes/{case.reference}/documents/ajouter/", {"document-file": _pdf()})
    assert "vous ne pouvez plus y ajouter de document" in document.content.decode()
    assert not case.events.filter(kind=EventKind.MESSAGE_FROM_CITIZEN).exists()
    assert not CaseDocument.objects.filter(case=case, issued_by_administration=False).exists()  # letters only


# --- Told at every visible status change -----------------------------------------------------


def test_the_requester_is_emailed_at_each_visible_status_change_with_the_link(territory, procedure, citizen, agent_a):
    case = _submit(territory.commune_a, procedure, citizen)
    apply_transition(case=case, transition_key="start", actor=agent_a)

    message = OutboundMessage.objects.filter(event="case.status_changed", to=citizen.email).get()
    assert "En cours d'instruction" in message.body_text
    assert absolute_url(territory.commune_a, f"/mon-espace/demandes/{case.reference}/") in message.body_text
    assert _page(logged_in(citizen, HOST_A), case).status_code == 200


def test_no_email_is_sent_for_an_internal_status_change(territory, admin_a, citizen, agent_a):
    workflow = default_workflow()
    workflow["statuses"].append({"key": "checking", "label": INTERNAL_STATUS, "visible": False})
    workflow["transitions"].append(
        {
            "key": "check",
            "label": "Contrôler",
            "from": ["received"],
            "to": "checking",
            "actions": [{"type": "notify_citizen"}],
        }
    )
    workflow["transitions"].append({"key": "back", "label": "Reprendre", "from": ["checking"], "to": "in_progress"})
    procedure = published_procedure(territory.commune_a, actor=admin_a, slug="controle-mail", workflow=workflow)
    case = _submit(territory.commune_a, procedure, citizen)
    apply_transition(case=case, transition_key="check", actor=agent_a)
    assert not OutboundMessage.objects.filter(event="case.status_changed").exists()

"""Incomplete files (CRPA L114-5): pieces requested, provided or recorded, the clock restarted or resumed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from parvis.cases.enums import EventKind
from parvis.cases.models import CaseDocument
from parvis.cases.services import CaseError, apply_transition, submit_case
from parvis.legal.enums import AcknowledgmentKind, DeadlineState, PiecesRequestStatus
from parvis.legal.models import Acknowledgment, PiecesRequest
from parvis.legal.pieces import (
    PiecesError,
    cancel_pieces_request,
    expire_overdue_requests,
    provide_piece,
    record_pieces_received,
    request_pieces,
)
from parvis.legal.tasks_pieces import expire_pieces_requests
from parvis.lib.uploads import check_upload
from parvis.notifications.models import OutboundMessage
from parvis.procedures.models import Procedure
from parvis.procedures.workflow import Workflow, WorkflowError, default_workflow
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import published_procedure

PARIS = ZoneInfo("Europe/Paris")
PLAN = "Plan de situation du terrain"
CADASTRE = "Références cadastrales"


def paris(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def procedure(territory, admin_a):
    procedure = published_procedure(
        territory.commune_a, actor=admin_a, department=territory.department_a, slug="certificat-urbanisme"
    )
    Procedure.objects.filter(pk=procedure.pk).update(documents_needed=f"{PLAN}\nPièce d'identité")
    procedure.refresh_from_db()
    return procedure


def file_case(territory, procedure, *, requester=None, rule="sva", at=None):
    Procedure.objects.filter(pk=procedure.pk).update(silence_rule=rule, silence_period=2, silence_unit="months")
    procedure.refresh_from_db()
    return submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Certificat d'urbanisme pour la parcelle"},
        requester=requester,
        requester_name="Camille Martin",
        requester_email=requester.email if requester else "dominique@example.org",
        actor=requester,
        received_at=at,
    )


def pdf(name="plan.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 plan du terrain", content_type="application/pdf")


def ask(case, agent, *, deadline, at, items=None):
    """The agent applies « Demander des compléments » with the pieces form's data."""
    with time_machine.travel(at, tick=False):
        apply_transition(
            case=case,
            transition_key="ask_citizen",
            actor=agent,
            action_data={
                "items": items or [{"label": PLAN, "kind": "document"}, {"label": CADASTRE, "kind": "information"}],
                "deadline": deadline,
            },
        )
    case.refresh_from_db()
    return PiecesRequest.objects.get(case=case)


# --- Requesting ----------------------------------------------------------------------------------


def test_an_agent_marks_a_case_incomplete_and_the_citizen_gets_the_list_the_deadline_and_the_effect(
    territory, procedure, citizen, agent_a
):
    with time_machine.travel(paris(2025, 2, 3, 9), tick=False):
        case = file_case(territory, procedure, requester=citizen).case
    agent = logged_in(agent_a, HOST_A)
    with time_machine.travel(paris(2025, 2, 10, 10), tick=False):
        page = agent.get(f"/backoffice/demandes/{case.reference}/").content.decode()
        assert PLAN in page and 'value="ask_citizen"' not in page  # the pieces form replaces the plain button
        response = agent.post(
            f"/backoffice/demandes/{case.reference}/pieces/",
            {
                "pieces-documents": [PLAN],
                "pieces-information": CADASTRE,
                "pieces-deadline": "2025-03-10",
                "pieces-comment": "Le plan joint au dépôt est illisible.",
            },
        )
    assert response.status_code == 302 and response["Location"].endswith("#pieces")
    case.refresh_from_db()
    assert case.status == "awaiting_citizen"
    assert case.deadline_state == DeadlineState.WAITING and case.last_day is None  # SVA: not started
    pieces = PiecesRequest.objects.get(case=case)
    assert [(i["label"], i["kind"]) for i in pieces.items] == [(PLAN, "document"), (CADASTRE, "information")]
    assert pieces.deadline == dt.date(2025, 3, 10) and pieces.requested_by == agent_a

    email = OutboundMessage.objects.get(event="case.pieces_requested", to=citizen.email)
    assert PLAN in email.body_text and CADASTRE in email.body_text and "10 mars 2025" in email.body_text
    assert (
        "le délai de 2 mois au terme duquel votre demande sera réputée acceptée ne commencera qu'à la réception "
        "de la dernière pièce" in email.body_text
    )
    assert "Le plan joint au dépôt est illisible." in email.body_text
    assert [a["content_type"] for a in email.attachments] == ["application/pdf"]

    acknowledgment = Acknowledgment.objects.get(case=case, kind=AcknowledgmentKind.PIECES_REQUEST)
    mentions = {m["key"]: m["text"] for m in acknowledgment.mentions}
    assert PLAN in mentions["missing"] and mentions["deadline"] == "10 mars 2025"
    assert "ne commencera qu'à la réception" in mentions["clock_effect"]
    assert acknowledgment.message == email and acknowledgment.document.issued_by_administration
    assert acknowledgment.document.visible_to_citizen and acknowledgment.document.content_type == "application/pdf"
    assert case.events.filter(kind=EventKind.CHANNEL_USED, title__contains="10 mars 2025").exists()


def test_a_deadline_in_the_past_is_refused_in_french_and_the_list_typed_is_kept(territory, procedure, citizen, agent_a):
    case = file_case(territory, procedure, requester=citizen).case
    agent = logged_in(agent_a, HOST_A)
    response = agent.post(
        f"/backoffice/demandes/{case.reference}/pieces/",
        {"pieces-other_documents": "Attestation d'assurance", "pieces-deadline": "2020-01-01"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "La date limite doit être dans le futur" in page and "Attestation d&#x27;assurance" in page
    assert not PiecesRequest.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert case.status == "received"

    empty = agent.post(f"/backoffice/demandes/{case.reference}/pieces/", {"pieces-deadline": "2099-01-01"})
    assert "Choisissez au moins une pièce ou information manquante" in empty.content.decode()


def test_the_ask_citizen_step_cannot_be_applied_without_the_pieces(territory, procedure, citizen, agent_a):
    case = file_case(territory, procedure, requester=citizen).case
    with pytest.raises(CaseError, match="indiquez les pièces ou informations manquantes"):
        apply_transition(case=case, transition_key="ask_citizen", actor=agent_a, comment="Il manque le plan.")
    case.refresh_from_db()
    assert case.status == "received" and not PiecesRequest.objects.exists()

    response = logged_in(agent_a, HOST_A).post(
        f"/backoffice/demandes/{case.reference}/etape/", {"transition": "ask_citizen", "transition-comment": "Plan ?"}
    )
    assert "indiquez les pièces ou informations manquantes" in response.content.decode()


def test_a_request_documents_action_must_resume_from_the_waiting_step():
    data = default_workflow()
    ask_step = next(t for t in data["transitions"] if t["key"] == "ask_citizen")
    ask_step["actions"] = [{"type": "request_documents", "resume_transition": "accept"}]
    with pytest.raises(WorkflowError, match="reprise automatique"):
        Workflow.from_json(data)
    ask_step["actions"] = [{"type": "request_documents", "resume_transition": "resume"}]
    assert Workflow.from_json(data).transitions["ask_citizen"].requests_documents


# --- SVA: the clock restarts (rules.md worked example 9) --------------------------------------------


def test_sva_clock_restarts_on_the_last_piece_provided_from_the_citizen_space(territory, procedure, citizen, agent_a):
    with time_machine.travel(paris(2025, 1, 20, 9), tick=False):
        case = file_case(territory, procedure, requester=citizen).case
    pieces = ask(case, agent_a, deadline=dt.date(2025, 3, 10), at=paris(2025, 2, 10, 10))
    camille = logged_in(citizen, HOST_A, second_factor=False)
    page = camille.get(f"/mon-espace/demandes/{case.reference}/").content.decode()
    assert "Pièces ou informations à fournir" in page and "10 mars 2025" in page
    assert "ne commencera qu&#x27;à la réception de la dernière pièce" in page

    base = f"/mon-espace/demandes/{case.reference}/pieces/{pieces.pk}"
    with time_machine.travel(paris(2025, 3, 3, 15), tick=False):
        camille = logged_in(citizen, HOST_A, second_factor=False)
        empty = camille.post(f"{base}/k2/", {"piece-k2-answer": "  "})
        assert "Saisissez l&#x27;information demandée." in empty.content.decode()
        answered = camille.post(f"{base}/k2/", {"piece-k2-answer": "Section AB n° 123"})
    assert answered.status_code == 302
    case.refresh_from_db()
    assert case.deadline_state == DeadlineState.WAITING  # one piece still missing
    with time_machine.travel(paris(2025, 3, 5, 18), tick=False):
        camille = logged_in(citizen, HOST_A, second_factor=False)  # a fresh session at that date
        sent = camille.post(f"{base}/k1/", {"piece-k1-file": pdf()})
    assert sent.status_code == 302 and sent["Location"].endswith("#pieces")

    case.refresh_from_db()
    pieces.refresh_from_db()
    assert pieces.status == PiecesRequestStatus.COMPLETE and pieces.received_at == paris(2025, 3, 5, 18)
    assert case.deadline_state == DeadlineState.RUNNING
    assert case.last_day == dt.date(2025, 5, 5) and case.decision_due_on == dt.date(2025, 5, 6)
    assert case.status == "in_progress"  # the workflow's resume_transition, applied automatically
    resumed = case.events.get(kind=EventKind.STATUS_CHANGED, status_after="in_progress")
    assert resumed.actor == citizen
    document = CaseDocument.objects.get(pk=pieces.items[0]["document_id"])
    assert document.uploaded_by == citizen and pieces.items[1]["answer"] == "Section AB n° 123"

    email = OutboundMessage.objects.get(event="case.pieces_received")
    assert "5 mai 2025" in email.body_text and "réputée acceptée le 6 mai 2025" in email.body_text
    assert Acknowledgment.objects.filter(case=case, kind=AcknowledgmentKind.PIECES_RECEIVED).exists()
    with time_machine.travel(paris(2025, 3, 5, 18), tick=False):
        page = camille.get(f"/mon-espace/demandes/{case.reference}/").content.decode()
    assert "Dossier complet le 5 mars 2025 : le délai court jusqu&#x27;au 5 mai 2025" in page


# --- SVR: the clock is suspended (rules.md worked example 13) ---------------------------------------


def test_svr_clock_is_suspended_until_the_pieces_arrive_then_resumes(territory, procedure, citizen, agent_a):
    with time_machine.travel(paris(2025, 2, 10, 9), tick=False):
        case = file_case(territory, procedure, requester=citizen, rule="svr").case
    assert case.last_day == dt.date(2025, 4, 10)
    with time_machine.travel(paris(2025, 2, 20, 10), tick=False):
        pieces = request_pieces(case=case, items=[CADASTRE], deadline=dt.date(2025, 3, 20), comment="", actor=agent_a)
    case.refresh_from_db()
    assert case.deadline_state == DeadlineState.SUSPENDED
    assert case.last_day == dt.date(2025, 5, 8)  # at most until the deadline: 28 days added
    email = OutboundMessage.objects.get(event="case.pieces_requested")
    assert (
        "réputée rejetée est suspendu jusqu'à la réception des pièces, au plus tard jusqu'au 20 mars 2025"
        in email.body_text
    )
    assert case.status == "received"  # asked without a workflow step: the status stays

    with time_machine.travel(paris(2025, 2, 25, 11), tick=False):
        upload = check_upload(pdf("cadastre.pdf"))
        provide_piece(case=case, pieces_request=pieces, item_key="k1", upload=upload, actor=citizen)
    case.refresh_from_db()
    assert case.deadline_state == DeadlineState.RUNNING
    assert case.last_day == dt.date(2025, 4, 15)  # 10 April + 5 days suspended
    received = OutboundMessage.objects.get(event="case.pieces_received").body_text
    assert "a repris le 25 février 2025" in received and "au plus tard le 15 avril 2025" in received


# --- Without an account ------------------------------------------------------------------------------


def test_a_person_without_an_account_provides_the_pieces_from_the_tracking_page(territory, procedure, agent_a):
    with time_machine.travel(paris(2025, 1, 20, 9), tick=False):
        submission = file_case(territory, procedure)
    case = submission.case
    pieces = ask(case, agent_a, deadline=dt.date(2025, 3, 10), at=paris(2025, 2, 10, 10), items=[CADASTRE])
    client = Client(HTTP_HOST=HOST_A)
    url = f"/suivi/{case.reference}/pieces/{pieces.pk}/k1/"
    assert client.post(url, {"piece-k1-file": pdf()}).status_code == 404  # not unlocked in this session
    client.post("/suivi/", {"reference": case.reference, "code": submission.tracking_code})
    page = client.get(f"/suivi/{case.reference}/").content.decode()
    assert CADASTRE in page and "10 mars 2025" in page

    with time_machine.travel(paris(2025, 3, 5, 10), tick=False):
        response = client.post(url, {"piece-k1-file": pdf("cadastre.pdf")})
    assert response.status_code == 302 and response["Location"] == f"/suivi/{case.reference}/#pieces"
    case.refresh_from_db()
    assert case.last_day == dt.date(2025, 5, 5) and case.status == "in_progress"
    received = OutboundMessage.objects.get(event="case.pieces_received", to="dominique@example.org")
    assert "/suivi/?reference=" in received.body_text


# --- At the counter, by mail -------------------------------------------------------------------------


def test_an_agent_records_pieces_received_at_the_counter_on_an_earlier_date(territory, procedure, citizen, agent_a):
    with time_machine.travel(paris(2025, 1, 20, 9), tick=False):
        case = file_case(territory, procedure, requester=citizen).case
    pieces = ask(case, agent_a, deadline=dt.date(2025, 3, 10), at=paris(2025, 2, 10, 10))
    agent = logged_in(agent_a, HOST_A)
    url = f"/backoffice/demandes/{case.reference}/pieces/{pieces.pk}/reception/"
    with time_machine.travel(paris(2025, 3, 7, 9), tick=False):
        future = agent.post(
            url,
            {
                "pieces_receipt-items": ["k1"],
                "pieces_receipt-received_on": "2025-03-08",
                "pieces_receipt-channel": "counter",
            },
        )
        assert "ne peut pas être dans le futur" in future.content.decode()
        before = agent.post(
            url,
            {
                "pieces_receipt-items": ["k1"],
                "pieces_receipt-received_on": "2025-02-01",
                "pieces_receipt-channel": "mail",
            },
        )
        assert "ne peut pas précéder la demande de pièces du 10 février 2025" in before.content.decode()
        first = agent.post(
            url,
            {
                "pieces_receipt-items": ["k1"],
                "pieces_receipt-received_on": "2025-03-04",
                "pieces_receipt-channel": "mail",
            },
        )
        assert first.status_code == 302
        case.refresh_from_db()
        assert case.deadline_state == DeadlineState.WAITING
        last = agent.post(
            url,
            {
                "pieces_receipt-items": ["k2"],
                "pieces_receipt-received_on": "2025-03-05",
                "pieces_receipt-channel": "counter",
                "pieces_receipt-note": "Apporté par le voisin",
            },
        )
    assert last.status_code == 302
    case.refresh_from_db()
    pieces.refresh_from_db()
    assert pieces.status == PiecesRequestStatus.COMPLETE
    assert case.last_day == dt.date(2025, 5, 5) and case.decision_due_on == dt.date(2025, 5, 6)
    assert (
        case.status == "in_progress"
        and case.events.filter(kind=EventKind.STATUS_CHANGED, status_after="in_progress", actor=agent_a).exists()
    )
    assert "5 mai 2025" in OutboundMessage.objects.get(event="case.pieces_received").body_text
    with time_machine.travel(paris(2025, 3, 7, 9), tick=False):
        page = agent.get(f"/backoffice/demandes/{case.reference}/").content.decode()
    assert "Reçue le 5 mars 2025 à l'accueil" in page and "Dossier complet le 5 mars 2025" in page


def test_an_agent_cancels_a_request_made_by_mistake_and_the_clock_runs_from_the_receipt(
    territory, procedure, citizen, agent_a
):
    with time_machine.travel(paris(2025, 1, 20, 9), tick=False):
        case = file_case(territory, procedure, requester=citizen).case
    pieces = ask(case, agent_a, deadline=dt.date(2025, 3, 10), at=paris(2025, 2, 10, 10))
    agent = logged_in(agent_a, HOST_A)
    url = f"/backoffice/demandes/{case.reference}/pieces/{pieces.pk}/annuler/"
    assert "Indiquez le motif" in agent.post(url, {"pieces_cancel-reason": ""}).content.decode()
    assert agent.post(url, {"pieces_cancel-reason": "Le plan était bien joint."}).status_code == 302
    case.refresh_from_db()
    pieces.refresh_from_db()
    assert pieces.status == PiecesRequestStatus.CANCELLED
    assert case.deadline_state == DeadlineState.RUNNING and case.last_day == dt.date(2025, 3, 20)
    assert case.status == "in_progress"
    with pytest.raises(PiecesError, match="déjà terminée"):
        cancel_pieces_request(case=case, pieces_request=pieces, reason="encore", actor=agent_a)


def test_only_one_request_waits_at_a_time_and_received_items_cannot_be_sent_twice(
    territory, procedure, citizen, agent_a
):
    case = file_case(territory, procedure, requester=citizen).case
    tomorrow_plus = timezone.localdate() + dt.timedelta(days=15)
    pieces = request_pieces(case=case, items=[PLAN], deadline=tomorrow_plus, actor=agent_a)
    with pytest.raises(PiecesError, match="déjà attendues"):
        request_pieces(case=case, items=[CADASTRE], deadline=tomorrow_plus, actor=agent_a)
    with pytest.raises(PiecesError, match="Choisissez le fichier"):
        provide_piece(case=case, pieces_request=pieces, item_key="k1", actor=citizen)
    record_pieces_received(
        case=case, pieces_request=pieces, item_keys=["k1"], received_on=timezone.localdate(), actor=agent_a
    )
    with pytest.raises(PiecesError, match="terminée"):
        provide_piece(case=case, pieces_request=pieces, item_key="k1", upload=check_upload(pdf()), actor=citizen)


# --- Expiry --------------------------------------------------------------------------------------------


def test_the_expiry_job_marks_overdue_requests_once_and_recomputes_the_clock(territory, procedure, citizen, agent_a):
    with time_machine.travel(paris(2025, 2, 10, 9), tick=False):
        svr_case = file_case(territory, procedure, requester=citizen, rule="svr").case
        sva_case = file_case(territory, procedure, requester=citizen, rule="sva").case
    with time_machine.travel(paris(2025, 2, 20, 10), tick=False):
        svr = request_pieces(case=svr_case, items=[PLAN], deadline=dt.date(2025, 3, 20), actor=agent_a)
        sva = request_pieces(case=sva_case, items=[PLAN], deadline=dt.date(2025, 3, 20), actor=agent_a)

    with time_machine.travel(paris(2025, 3, 20, 23), tick=False):
        assert expire_overdue_requests() == 0  # the deadline day itself is still granted
    with time_machine.travel(paris(2025, 3, 21, 1), tick=False):
        assert expire_pieces_requests.call() == 2
        assert expire_overdue_requests() == 0  # running again changes nothing
    svr.refresh_from_db()
    sva.refresh_from_db()
    svr_case.refresh_from_db()
    sva_case.refresh_from_db()
    assert svr.status == sva.status == PiecesRequestStatus.EXPIRED
    assert svr_case.deadline_state == DeadlineState.RUNNING and svr_case.last_day == dt.date(2025, 5, 8)
    assert sva_case.deadline_state == DeadlineState.WAITING and sva_case.last_day is None
    assert svr_case.events.filter(title__startswith="Date limite des pièces dépassée").count() == 1

    with time_machine.travel(paris(2025, 3, 24, 10), tick=False):  # late pieces still start the SVA delay
        provide_piece(case=sva_case, pieces_request=sva, item_key="k1", upload=check_upload(pdf()), actor=citizen)
    sva_case.refresh_from_db()
    assert sva_case.last_day == dt.date(2025, 5, 24)


# --- Isolation -----------------------------------------------------------------------------------------


def test_another_communes_agent_and_another_citizen_get_404_on_every_pieces_url(
    territory, procedure, citizen, agent_a, agent_b
):
    from tests.factories import UserFactory

    case = file_case(territory, procedure, requester=citizen).case
    pieces = ask(case, agent_a, deadline=timezone.localdate() + dt.timedelta(days=10), at=dt.datetime.now(tz=PARIS))
    other_commune = logged_in(agent_b, HOST_B)
    base = f"/backoffice/demandes/{case.reference}/pieces/"
    for url, data in [
        (base, {"pieces-other_documents": "Plan", "pieces-deadline": "2099-01-01"}),
        (f"{base}{pieces.pk}/reception/", {"pieces_receipt-items": ["k1"], "pieces_receipt-channel": "counter"}),
        (f"{base}{pieces.pk}/annuler/", {"pieces_cancel-reason": "Erreur"}),
    ]:
        assert other_commune.post(url, data).status_code == 404, url
    stranger = logged_in(UserFactory(email="autre@example.org"), HOST_A, second_factor=False)
    assert stranger.post(f"/mon-espace/demandes/{case.reference}/pieces/{pieces.pk}/k2/", {}).status_code == 404
    assert (
        logged_in(citizen, HOST_B, second_factor=False)
        .post(f"/mon-espace/demandes/{case.reference}/pieces/{pieces.pk}/k2/", {"piece-k2-answer": "x"})
        .status_code
        == 404
    )
    owner = logged_in(citizen, HOST_A, second_factor=False)
    assert owner.post(f"/mon-espace/demandes/{case.reference}/pieces/{pieces.pk + 1000}/k2/", {}).status_code == 404
    assert owner.post(f"/mon-espace/demandes/{case.reference}/pieces/{pieces.pk}/k9/", {}).status_code == 404
    pieces.refresh_from_db()
    assert pieces.status == PiecesRequestStatus.OPEN and not any(i["received_at"] for i in pieces.items)

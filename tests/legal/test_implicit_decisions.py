"""Implicit decisions: the job that turns silence into a decision, its email, the L232-3 attestation."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from parvis.audit.models import AuditEvent
from parvis.cases.models import Case, CaseEvent
from parvis.cases.services import apply_transition, hash_tracking_code, submit_case
from parvis.legal.decisions import DecisionError, apply_implicit_decision, issue_attestation
from parvis.legal.enums import AcknowledgmentKind, DeadlineState
from parvis.legal.models import Acknowledgment, PiecesRequest
from parvis.legal.services import recompute_deadline
from parvis.legal.tasks import decide_due_cases, due_implicit_decisions
from parvis.notifications.models import OutboundMessage
from parvis.procedures.models import Procedure
from parvis.scheduler.services import registered_jobs
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import UserFactory
from tests.legal.pdf import pdf_words

PARIS = ZoneInfo("Europe/Paris")


def _at(year, month, day, hour=10):
    return dt.datetime(year, month, day, hour, tzinfo=PARIS)


def _procedure(territory, admin_a, rule="sva", workflow=None, **extra):
    """A procedure with its legal settings, created and published through the services."""
    from parvis.procedures.services import create_procedure, publish_procedure
    from parvis.procedures.workflow import default_workflow
    from tests.factories import simple_form

    procedure = create_procedure(
        organisation=territory.commune_a,
        data={
            "slug": f"acte-naissance-{rule}",
            "title": "Demande d'acte de naissance",
            "summary": "En ligne",
            "theme": "etat-civil",
            "department": territory.department_a,
        },
        form=simple_form(),
        workflow=workflow or default_workflow(),
        actor=admin_a,
    )
    Procedure.objects.filter(pk=procedure.pk).update(
        silence_rule=rule,
        silence_period=2,
        silence_unit="months",
        legal_basis="CRPA, art. L231-1" if rule == "sva" else "CRPA, art. L231-4",
        decision_authority="le maire de Commune A",
        administrative_court="tribunal administratif de Lyon",
        **extra,
    )
    procedure.refresh_from_db()
    publish_procedure(procedure=procedure, actor=admin_a)
    procedure.refresh_from_db()
    return procedure


@pytest.fixture
def sva(territory, admin_a):
    return _procedure(territory, admin_a, "sva")


@pytest.fixture
def svr(territory, admin_a):
    return _procedure(territory, admin_a, "svr")


def _file(territory, procedure, requester, *, at, email="camille@example.org", phone=""):
    return submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Demande"},
        requester=requester,
        requester_name="Camille Martin",
        requester_email=email,
        requester_phone=phone,
        actor=requester,
        received_at=at,
        notify=False,
    ).case


def _run_job_on(day):
    """The periodic task as the worker runs it, on ``day`` (Paris), clock frozen at 02:00."""
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 2, tzinfo=PARIS), tick=False):
        return decide_due_cases()


def test_the_job_is_registered_with_the_scheduler():
    assert "legal.implicit_decisions" in registered_jobs()


def test_an_sva_case_turns_implicitly_accepted_on_its_decision_date_and_not_the_day_before(territory, sva, citizen):
    # rules.md §2 example 1: received Wed 15 Jan 2025 → E = Sat 15 Mar, accepted from Sun 16 Mar.
    case = _file(territory, sva, citizen, at=_at(2025, 1, 15))
    assert case.decision_due_on == dt.date(2025, 3, 16)

    assert _run_job_on(dt.date(2025, 3, 15)) == 0
    case.refresh_from_db()
    assert case.is_open and case.deadline_state == DeadlineState.RUNNING

    assert _run_job_on(dt.date(2025, 3, 16)) == 1
    case.refresh_from_db()
    assert case.status == "implicit_accepted" and case.status_label == "Acceptée implicitement"
    assert not case.is_open and case.closed_at == dt.datetime(2025, 3, 16, 0, 0, tzinfo=PARIS)
    assert case.deadline_state == DeadlineState.IMPLICIT_ACCEPTED
    assert case.decision == "accept" and case.decided_on == dt.date(2025, 3, 16)
    assert case.recourse_until is None
    event = CaseEvent.objects.get(case=case, status_after="implicit_accepted")
    assert event.visible_to_citizen and event.actor_label == "Automatique" and event.data["implicit"] is True
    assert AuditEvent.objects.filter(action="case.implicit_decision", object_id=str(case.pk)).count() == 1


def test_running_the_job_twice_decides_once_and_sends_one_email(territory, sva, citizen):
    case = _file(territory, sva, citizen, at=_at(2025, 1, 15))
    assert _run_job_on(dt.date(2025, 3, 20)) == 1
    assert _run_job_on(dt.date(2025, 3, 20)) == 0
    # Called directly again (a second worker that listed it before the first committed): nothing more.
    assert apply_implicit_decision(case=case, today=dt.date(2025, 3, 21)) is False
    assert OutboundMessage.objects.filter(event="case.implicit_decision", to=citizen.email).count() == 1
    assert Acknowledgment.objects.filter(case=case, kind=AcknowledgmentKind.IMPLICIT_DECISION).count() == 1
    assert CaseEvent.objects.filter(case=case, status_after="implicit_accepted").count() == 1


def test_the_sva_email_says_accepted_since_when_and_offers_the_attestation(territory, sva, citizen):
    case = _file(territory, sva, citizen, at=_at(2025, 1, 15))
    _run_job_on(dt.date(2025, 3, 16))
    message = OutboundMessage.objects.get(event="case.implicit_decision")
    assert "réputée acceptée" in message.subject
    assert "réputée acceptée depuis le 16 mars 2025" in message.body_text
    assert "L232-3" in message.body_text and "attestation" in message.body_text
    assert f"/mon-espace/demandes/{case.reference}/" in message.body_text
    acknowledgment = Acknowledgment.objects.get(case=case, kind=AcknowledgmentKind.IMPLICIT_DECISION)
    assert acknowledgment.message_id == message.pk
    assert {m["key"] for m in acknowledgment.mentions} >= {"decision", "authority", "legal_basis", "attestation"}


def test_an_svr_case_turns_implicitly_rejected_with_its_recourse_deadline(territory, svr, citizen):
    # rules.md §3: an implicit rejection born 23 Jun 2025 → 24 Aug is a Sunday → Mon 25 Aug 2025.
    case = _file(territory, svr, citizen, at=_at(2025, 4, 22))
    assert case.last_day == dt.date(2025, 6, 22) and case.decision_due_on == dt.date(2025, 6, 23)
    assert _run_job_on(dt.date(2025, 6, 23)) == 1
    case.refresh_from_db()
    assert case.status == "implicit_rejected" and case.deadline_state == DeadlineState.IMPLICIT_REJECTED
    assert case.decision == "reject" and case.decided_on == dt.date(2025, 6, 23)
    assert case.recourse_until == dt.date(2025, 8, 25)
    message = OutboundMessage.objects.get(event="case.implicit_decision")
    body = message.body_text
    assert "réputée rejetée depuis le 23 juin 2025" in body
    assert "L232-4" in body and "motifs" in body.lower() and "25 août 2025" in body
    assert "recours gracieux auprès du maire de Commune A" in body
    assert "tribunal administratif de Lyon" in body and "Télérecours citoyens" in body
    keys = [m["key"] for m in Acknowledgment.objects.get(case=case).mentions]
    assert {"motifs", "recours_gracieux", "recours_contentieux", "telerecours"} <= set(keys)


def test_an_svr_rejection_born_before_a_holiday_gives_the_next_working_day(territory, svr, citizen):
    # rules.md §3: 10 Sep 2025 → 11 Nov (holiday) → Wed 12 Nov 2025.
    case = _file(territory, svr, citizen, at=_at(2025, 7, 9))
    assert case.decision_due_on == dt.date(2025, 9, 10)
    _run_job_on(dt.date(2025, 9, 10))
    case.refresh_from_db()
    assert case.recourse_until == dt.date(2025, 11, 12)


def test_a_waiting_sva_case_never_turns_implicit(territory, sva, citizen, agent_a):
    case = _file(territory, sva, citizen, at=_at(2025, 1, 15))
    PiecesRequest.objects.create(
        organisation=territory.commune_a,
        case=case,
        items=[{"key": "k1", "label": "Justificatif de domicile", "kind": "document"}],
        requested_at=_at(2025, 1, 20),
        deadline=dt.date(2025, 2, 20),
        requested_by=agent_a,
    )
    recompute_deadline(case)
    case.refresh_from_db()
    assert case.deadline_state == DeadlineState.WAITING
    assert case.pk not in due_implicit_decisions(dt.date(2026, 1, 1))
    assert _run_job_on(dt.date(2026, 1, 1)) == 0
    assert apply_implicit_decision(case=case, today=dt.date(2026, 1, 1)) is False
    case.refresh_from_db()
    assert case.is_open and case.deadline_state == DeadlineState.WAITING


def test_pieces_requested_after_the_listing_stop_the_decision(territory, sva, citizen, agent_a):
    """The job rechecks the clock under the lock: a request made meanwhile wins."""
    case = _file(territory, sva, citizen, at=_at(2025, 1, 15))
    assert case.pk in due_implicit_decisions(dt.date(2025, 3, 16))
    PiecesRequest.objects.create(
        organisation=territory.commune_a,
        case=case,
        items=[{"key": "k1", "label": "Plan", "kind": "document"}],
        requested_at=_at(2025, 2, 1),
        deadline=dt.date(2025, 3, 1),
        requested_by=agent_a,
    )
    assert apply_implicit_decision(case=case, today=dt.date(2025, 3, 16)) is False
    case.refresh_from_db()
    assert case.is_open and case.deadline_state == DeadlineState.WAITING


def test_an_expressly_decided_case_is_left_alone(territory, sva, citizen, agent_a):
    case = _file(territory, sva, citizen, at=_at(2025, 1, 15))
    with time_machine.travel(_at(2025, 3, 10), tick=False):
        apply_transition(case=case, transition_key="accept", actor=agent_a)
    assert _run_job_on(dt.date(2025, 4, 1)) == 0
    case.refresh_from_db()
    assert case.status == "accepted" and case.deadline_state == DeadlineState.DECIDED


def test_a_case_without_email_is_decided_without_a_message(territory, sva):
    case = _file(territory, sva, None, at=_at(2025, 1, 15), email="", phone="06 12 34 56 78")
    assert _run_job_on(dt.date(2025, 3, 16)) == 1
    assert not OutboundMessage.objects.exists()
    assert Acknowledgment.objects.get(case=case, kind=AcknowledgmentKind.IMPLICIT_DECISION).message is None


# --- Attestation (L232-3) ---------------------------------------------------------------------


@pytest.fixture
def accepted_case(territory, sva, citizen):
    case = _file(territory, sva, citizen, at=_at(2025, 1, 15))
    _run_job_on(dt.date(2025, 3, 16))
    case.refresh_from_db()
    return case


def _pdf_text(document):
    """The text of a PDF made by reportlab: every shown string, decoded, joined by spaces."""
    with document.file.open("rb") as handle:
        return pdf_words(handle.read())


def test_the_requester_obtains_the_attestation_from_their_space(territory, accepted_case, citizen):
    client = logged_in(citizen, HOST_A)
    page = client.get(f"/mon-espace/demandes/{accepted_case.reference}/")
    assert "réputée acceptée depuis le 16 mars 2025" in page.content.decode()
    assert "Obtenir l'attestation" in page.content.decode()

    response = client.post(f"/mon-espace/demandes/{accepted_case.reference}/attestation/")
    assert response.status_code == 302 and response["Location"].endswith("#decision")
    acknowledgment = Acknowledgment.objects.get(case=accepted_case, kind=AcknowledgmentKind.ATTESTATION)
    document = acknowledgment.document
    assert document.issued_by_administration and document.visible_to_citizen

    page = client.get(f"/mon-espace/demandes/{accepted_case.reference}/").content.decode()
    url = f"/mon-espace/demandes/{accepted_case.reference}/documents/{document.pk}/"
    assert url in page and "Obtenir l'attestation" not in page
    download = client.get(url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF")

    text = _pdf_text(document)
    assert "Attestation de décision implicite d'acceptation" in text
    assert "le maire de Commune A" in text and "Camille Martin" in text
    assert "Demande d'acte de naissance" in text and accepted_case.reference in text
    assert "15 janvier 2025" in text and "16 mars 2025" in text
    assert "CRPA, art. L231-1" in text and "2 mois" in text and "L232-3" in text


def test_asking_twice_gives_the_same_attestation(territory, accepted_case, citizen):
    client = logged_in(citizen, HOST_A)
    client.post(f"/mon-espace/demandes/{accepted_case.reference}/attestation/")
    client.post(f"/mon-espace/demandes/{accepted_case.reference}/attestation/")
    first = issue_attestation(case=accepted_case, actor=citizen)
    assert Acknowledgment.objects.filter(case=accepted_case, kind=AcknowledgmentKind.ATTESTATION).count() == 1
    assert accepted_case.documents.filter(issued_by_administration=True).count() == 1
    assert first.pk == Acknowledgment.objects.get(kind=AcknowledgmentKind.ATTESTATION).document_id
    assert AuditEvent.objects.filter(action="case.attestation_issued").count() == 1
    assert CaseEvent.objects.filter(case=accepted_case, kind="document_added").count() == 1


def test_a_person_following_the_case_without_account_obtains_the_attestation(territory, accepted_case):
    Case.objects.filter(pk=accepted_case.pk).update(tracking_code_hash=hash_tracking_code("ABCDEFGHJK"))
    client = Client(HTTP_HOST=HOST_A)
    response = client.post("/suivi/", {"reference": accepted_case.reference, "code": "ABCDEFGHJK"})
    assert response.status_code == 302
    response = client.post(f"/suivi/{accepted_case.reference}/attestation/")
    assert response.status_code == 302
    document = Acknowledgment.objects.get(kind=AcknowledgmentKind.ATTESTATION).document
    page = client.get(f"/suivi/{accepted_case.reference}/").content.decode()
    assert f"/suivi/{accepted_case.reference}/documents/{document.pk}/" in page
    assert client.get(f"/suivi/{accepted_case.reference}/documents/{document.pk}/").status_code == 200


def test_another_citizen_or_another_communes_agent_cannot_reach_the_attestation(
    territory, accepted_case, citizen, agent_b
):
    document = issue_attestation(case=accepted_case, actor=citizen)
    stranger = logged_in(UserFactory(email="dominique@example.org"), HOST_A)
    assert stranger.post(f"/mon-espace/demandes/{accepted_case.reference}/attestation/").status_code == 404
    assert stranger.get(f"/mon-espace/demandes/{accepted_case.reference}/documents/{document.pk}/").status_code == 404
    other_agent = logged_in(agent_b, HOST_B)
    assert (
        other_agent.get(f"/backoffice/demandes/{accepted_case.reference}/documents/{document.pk}/").status_code == 404
    )
    assert other_agent.post(f"/backoffice/demandes/{accepted_case.reference}/attestation/").status_code == 404
    assert Client(HTTP_HOST=HOST_A).post(f"/suivi/{accepted_case.reference}/attestation/").status_code == 404


def test_an_agent_issues_the_attestation_from_the_case_page(territory, accepted_case, agent_a):
    client = logged_in(agent_a, HOST_A)
    page = client.get(f"/backoffice/demandes/{accepted_case.reference}/").content.decode()
    assert "Acceptation implicite" in page and "Délivrer l'attestation" in page
    response = client.post(f"/backoffice/demandes/{accepted_case.reference}/attestation/")
    assert response.status_code == 302
    acknowledgment = Acknowledgment.objects.get(kind=AcknowledgmentKind.ATTESTATION)
    assert acknowledgment.created_by == agent_a
    page = client.get(f"/backoffice/demandes/{accepted_case.reference}/").content.decode()
    assert acknowledgment.document.name in page


def test_no_attestation_for_a_case_not_accepted_by_silence(territory, sva, citizen):
    case = _file(territory, sva, citizen, at=_at(2025, 1, 15))
    with pytest.raises(DecisionError):
        issue_attestation(case=case, actor=citizen)
    response = logged_in(citizen, HOST_A).post(f"/mon-espace/demandes/{case.reference}/attestation/", follow=True)
    assert "aucune attestation ne peut être délivrée" in response.content.decode()
    assert not Acknowledgment.objects.filter(kind=AcknowledgmentKind.ATTESTATION).exists()


def test_the_citizen_page_promises_the_date_while_the_clock_runs(territory, sva, citizen):
    case = _file(territory, sva, citizen, at=_at(2025, 1, 15))
    page = logged_in(citizen, HOST_A).get(f"/mon-espace/demandes/{case.reference}/").content.decode()
    assert "au plus tard le <strong>samedi 15 mars 2025</strong>" in page and "réputée <strong>acceptée" in page


def test_the_citizen_page_shows_an_implicit_rejection_and_its_recourse_deadline(territory, svr, citizen):
    case = _file(territory, svr, citizen, at=_at(2025, 4, 22))
    _run_job_on(dt.date(2025, 6, 23))
    page = logged_in(citizen, HOST_A).get(f"/mon-espace/demandes/{case.reference}/").content.decode()
    assert "réputée rejetée depuis le 23 juin 2025" in page
    assert "lundi 25 août 2025" in page and "L232-4" in page

"""Express decisions on demandes: the letter (author, capacity, motivation, recourse), its email, imports."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from parvis.accounts.models import Membership
from parvis.audit.models import AuditEvent
from parvis.cases.models import CaseDocument
from parvis.cases.services import CaseError, apply_transition
from parvis.legal.enums import AcknowledgmentKind, DeadlineState
from parvis.legal.models import Acknowledgment
from parvis.notifications.models import OutboundMessage
from parvis.procedures.models import Procedure
from parvis.procedures.workflow import default_workflow
from tests.conftest import HOST_A, logged_in
from tests.legal.pdf import pdf_words
from tests.legal.test_implicit_decisions import _at, _file, _procedure

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def svr(territory, admin_a):
    return _procedure(territory, admin_a, "svr")


def _letter(case):
    acknowledgment = Acknowledgment.objects.get(case=case, kind=AcknowledgmentKind.DECISION)
    with acknowledgment.document.file.open("rb") as handle:
        return acknowledgment, pdf_words(handle.read())


def test_a_rejection_letter_names_its_author_their_capacity_the_motives_and_the_recourse(
    territory, svr, citizen, agent_a
):
    Membership.objects.filter(user=agent_a).update(title="Adjointe au maire déléguée à l'état civil")
    case = _file(territory, svr, citizen, at=_at(2025, 8, 1))
    client = logged_in(agent_a, HOST_A)
    with time_machine.travel(_at(2025, 9, 10, 11), tick=False):
        response = client.post(
            f"/backoffice/demandes/{case.reference}/etape/",
            {"transition": "reject", "transition-comment": "L'acte demandé concerne une personne sans lien avec vous."},
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.deadline_state == DeadlineState.DECIDED and case.decided_on == dt.date(2025, 9, 10)
    assert case.recourse_until == dt.date(2025, 11, 12)  # rules.md §3: 11 Nov holiday → 12 Nov

    acknowledgment, text = _letter(case)
    document = acknowledgment.document
    assert document.issued_by_administration and document.visible_to_citizen
    assert "Décision de rejet" in text
    assert f"{agent_a.first_name} {agent_a.last_name}" in text
    assert "Adjointe au maire déléguée à l'état civil" in text
    assert "sans lien avec vous" in text
    assert "Délais et voies de recours" in text
    assert "recours gracieux auprès du maire de Commune A" in text
    assert "tribunal administratif de Lyon" in text and "12 novembre 2025" in text
    assert "Télérecours citoyens" in text
    keys = [m["key"] for m in acknowledgment.mentions]
    assert {"decision", "author", "motivation", "recours_gracieux", "recours_contentieux", "telerecours"} <= set(keys)

    message = OutboundMessage.objects.get(event="case.decision", to=citizen.email)
    assert acknowledgment.message_id == message.pk
    assert "est rejetée" in message.body_text and "sans lien avec vous" in message.body_text
    assert "jusqu'au 12 novembre 2025" in message.body_text
    assert [a["name"] for a in message.attachments] == [document.name]
    assert AuditEvent.objects.filter(action="case.decision_notified", object_id=str(case.pk)).count() == 1


def test_the_citizen_page_shows_the_decision_letter_and_the_recourse_deadline(territory, svr, citizen, agent_a):
    case = _file(territory, svr, citizen, at=_at(2025, 8, 1))
    with time_machine.travel(_at(2025, 9, 10, 11), tick=False):
        apply_transition(case=case, transition_key="reject", actor=agent_a, comment="Pièce d'identité illisible.")
    acknowledgment = Acknowledgment.objects.get(case=case, kind=AcknowledgmentKind.DECISION)
    page = logged_in(citizen, HOST_A).get(f"/mon-espace/demandes/{case.reference}/").content.decode()
    assert "Décision défavorable" in page
    assert "jusqu'au <strong>mercredi 12 novembre 2025</strong>" in page
    assert f"/mon-espace/demandes/{case.reference}/documents/{acknowledgment.document_id}/" in page


def test_without_a_capacity_the_department_signs_and_the_agent_is_asked_to_fill_it(territory, svr, citizen, agent_a):
    case = _file(territory, svr, citizen, at=_at(2025, 8, 1))
    client = logged_in(agent_a, HOST_A)
    page = client.get(f"/backoffice/demandes/{case.reference}/").content.decode()
    assert "Votre qualité n'est pas renseignée" in page

    apply_transition(case=case, transition_key="accept", actor=agent_a)
    acknowledgment, text = _letter(case)
    assert "Décision d'acceptation" in text and "Service État civil A" in text
    assert "Motifs" not in text and "Délais et voies de recours" in text
    assert AuditEvent.objects.get(action="case.decision_notified").after["signatory_title_missing"] is True


def test_an_agent_records_the_capacity_they_sign_in(territory, svr, citizen, agent_a):
    case = _file(territory, svr, citizen, at=_at(2025, 8, 1))
    client = logged_in(agent_a, HOST_A)
    back = f"/backoffice/demandes/{case.reference}/"
    response = client.post("/backoffice/ma-qualite/", {"title": "  Officier de l'état civil  ", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert Membership.objects.get(user=agent_a).title == "Officier de l'état civil"
    assert AuditEvent.objects.filter(action="membership.title_changed").exists()
    assert "Votre qualité n'est pas renseignée" not in client.get(back).content.decode()

    response = client.post("/backoffice/ma-qualite/", {"title": " ", "next": back}, follow=True)
    assert "Indiquez votre qualité" in response.content.decode()
    assert Membership.objects.get(user=agent_a).title == "Officier de l'état civil"
    response = client.post("/backoffice/ma-qualite/", {"title": "Maire", "next": "https://evil.example/"})
    assert response["Location"] == "/backoffice/demandes/"


def test_imports_of_past_cases_send_nothing_and_make_no_letter(territory, svr, citizen, agent_a):
    case = _file(territory, svr, citizen, at=_at(2025, 8, 1))
    apply_transition(
        case=case, transition_key="reject", actor=agent_a, comment="Hors délai.", at=_at(2025, 9, 10), notify=False
    )
    case.refresh_from_db()
    assert case.deadline_state == DeadlineState.DECIDED and case.recourse_until == dt.date(2025, 11, 12)
    assert not OutboundMessage.objects.exists()
    assert not Acknowledgment.objects.filter(case=case, kind=AcknowledgmentKind.DECISION).exists()
    assert not CaseDocument.objects.filter(case=case, issued_by_administration=True).exists()


def test_a_refusal_without_motivation_is_refused(territory, admin_a, citizen, agent_a):
    workflow = default_workflow()
    for transition in workflow["transitions"]:
        if transition["key"] == "reject":
            transition["requires_comment"] = False
    procedure = _procedure(territory, admin_a, "svr", workflow=workflow)
    case = _file(territory, procedure, citizen, at=_at(2025, 8, 1))
    with pytest.raises(CaseError, match="Motivez la décision de refus"):
        apply_transition(case=case, transition_key="reject", actor=agent_a)
    case.refresh_from_db()
    assert case.is_open and case.deadline_state == DeadlineState.RUNNING


def test_a_declaration_gets_no_decision_letter(territory, admin_a, citizen, agent_a):
    procedure = _procedure(territory, admin_a, "svr")
    Procedure.objects.filter(pk=procedure.pk).update(legal_nature="declaration", silence_rule="none")
    procedure.refresh_from_db()
    case = _file(territory, procedure, citizen, at=_at(2025, 8, 1))
    apply_transition(case=case, transition_key="accept", actor=agent_a)
    assert not Acknowledgment.objects.filter(case=case, kind=AcknowledgmentKind.DECISION).exists()
    assert not OutboundMessage.objects.filter(event="case.decision").exists()

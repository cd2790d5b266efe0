"""The demo's decisions: Camille's request accepted by silence, and no flood of implicit decisions."""

import pytest

from parvis.cases.models import Case
from parvis.demo import services as demo_services
from parvis.demo import territory as T
from parvis.demo.decision_examples import EXAMPLE_KEY
from parvis.demo.services import load_demo
from parvis.legal.enums import AcknowledgmentKind, DeadlineState
from parvis.legal.models import Acknowledgment
from parvis.legal.tasks import decide_due_cases, due_implicit_decisions
from parvis.procedures.models import Procedure
from tests.conftest import logged_in


@pytest.fixture(autouse=True)
def small_history(monkeypatch):
    monkeypatch.setattr(demo_services, "HISTORY_SIZES", {"admiville": 40, "saint-admi": 5, "admi-les-bois": 3})


def test_camille_downloads_the_attestation_of_her_request_accepted_by_silence(db):
    load_demo()
    case = Case.objects.get(idempotency_key=EXAMPLE_KEY)
    assert case.organisation.slug == "admiville" and case.requester.email == T.CITIZEN["email"]
    assert case.deadline_state == DeadlineState.IMPLICIT_ACCEPTED and case.status == "implicit_accepted"
    assert case.legal["silence_rule"] == "sva"
    client = logged_in(case.requester, "admiville.localhost")
    page = client.get(f"/mon-espace/demandes/{case.reference}/").content.decode()
    assert "réputée acceptée depuis le" in page
    client.post(f"/mon-espace/demandes/{case.reference}/attestation/")
    document = Acknowledgment.objects.get(case=case, kind=AcknowledgmentKind.ATTESTATION).document
    response = client.get(f"/mon-espace/demandes/{case.reference}/documents/{document.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_loading_twice_keeps_one_example_and_the_job_finds_no_old_case_to_decide(db):
    load_demo()
    assert not load_demo().changed
    assert Case.objects.filter(idempotency_key=EXAMPLE_KEY).count() == 1
    assert due_implicit_decisions() == []
    assert decide_due_cases() == 0


def test_old_demo_cases_under_a_silence_rule_are_decided_before_their_due_date(db):
    """Every ready procedure under SVA: the history decides its old cases in time, no implicit flood."""
    from parvis.organisations.models import Organisation
    from parvis.procedures.services import install_ready_catalogue

    demo_services._load_organisations(demo_services.LoadReport())
    epci = Organisation.objects.get(slug="val-d-admi")
    install_ready_catalogue(organisation=epci, actor=None)
    Procedure.objects.filter(organisation=epci, legal_nature="demande").exclude(slug="certificat-urbanisme").update(
        silence_rule="sva", silence_period=2, silence_unit="months", legal_basis="CRPA, art. L231-1"
    )
    load_demo()
    decided = Case.objects.filter(deadline_state=DeadlineState.DECIDED).count()
    assert decided > 0
    assert Case.objects.filter(deadline_state=DeadlineState.IMPLICIT_ACCEPTED).count() == 1  # Camille's example
    assert decide_due_cases() == 0

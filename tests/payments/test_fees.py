"""Fees of procedures: the ``request_payment`` workflow action, and the case moving on once paid."""

from __future__ import annotations

import pytest

from parvis.cases.enums import EventKind
from parvis.cases.models import CaseEvent
from parvis.cases.services import CaseError, apply_transition, submit_case
from parvis.payments import services
from parvis.payments.enums import CounterMethod, InvoiceSource, InvoiceStatus
from parvis.payments.models import Invoice
from parvis.procedures.workflow import Workflow, WorkflowError, default_workflow
from tests.conftest import HOST_A, logged_in
from tests.factories import published_procedure
from tests.payments.helpers import make_regie


def fee_workflow(amount_cents=2500, regie="droits", paid_transition="payment_received"):
    data = default_workflow()
    data["statuses"].append({"key": "awaiting_payment", "label": "En attente du paiement"})
    for transition in data["transitions"]:
        if transition["key"] == "close":
            transition["from"].append("awaiting_payment")
    data["transitions"] += [
        {
            "key": "ask_payment",
            "label": "Demander le paiement",
            "from": ["received", "in_progress"],
            "to": "awaiting_payment",
            "actions": [
                {
                    "type": "request_payment",
                    "amount_cents": amount_cents,
                    "regie": regie,
                    "paid_transition": paid_transition,
                }
            ],
        },
        {
            "key": "payment_received",
            "label": "Paiement reçu",
            "from": ["awaiting_payment"],
            "to": "in_progress",
            "actions": [{"type": "notify_citizen"}],
        },
    ]
    return data


def test_a_workflow_may_request_a_payment():
    Workflow.from_json(fee_workflow())
    Workflow.from_json(fee_workflow(amount_cents=None))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount_cents": 0}, "nombre entier de centimes"),
        ({"amount_cents": 12.5}, "nombre entier de centimes"),
        ({"regie": ""}, "régie"),
        ({"paid_transition": "accept_everything"}, "paid_transition"),
        ({"paid_transition": "start"}, "paid_transition"),  # does not leave the awaiting status
    ],
)
def test_a_payment_request_with_wrong_settings_is_refused(changes, message):
    data = fee_workflow()
    data["transitions"][-2]["actions"][0].update(changes)
    with pytest.raises(WorkflowError, match=message):
        Workflow.from_json(data)


@pytest.fixture
def fee_case(territory, citizen, admin_a):
    make_regie(territory.commune_a, slug="droits", name="Droits et redevances")
    procedure = published_procedure(
        territory.commune_a, actor=admin_a, slug="occupation", title="Occupation du domaine public",
        workflow=fee_workflow(),
    )  # fmt: skip
    return submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Terrasse"},
        requester=citizen,
        requester_name="Camille Martin",
        requester_email=citizen.email,
        actor=citizen,
    ).case


def test_requesting_the_payment_issues_an_invoice_linked_to_the_case(fee_case, agent_a):
    apply_transition(case=fee_case, transition_key="ask_payment", actor=agent_a)
    invoice = Invoice.objects.get(case=fee_case)
    assert invoice.amount_cents == 2500 and invoice.source == InvoiceSource.PROCEDURE
    assert invoice.user == fee_case.requester and invoice.paid_transition == "payment_received"
    assert invoice.regie.slug == "droits"
    assert CaseEvent.objects.filter(case=fee_case, kind=EventKind.MESSAGE_TO_CITIZEN, title="Paiement demandé").exists()


def test_paying_the_fee_moves_the_case_on_by_itself(fee_case, agent_a, citizen):
    apply_transition(case=fee_case, transition_key="ask_payment", actor=agent_a)
    invoice = Invoice.objects.get(case=fee_case)
    page = logged_in(citizen, HOST_A).get(f"/mon-espace/demandes/{fee_case.reference}/").content.decode()
    assert "Payer 25,00" in page
    services.record_counter_payment(invoice=invoice, method=CounterMethod.CASH, actor=agent_a)
    fee_case.refresh_from_db()
    assert fee_case.status == "in_progress"
    moved = CaseEvent.objects.filter(case=fee_case, kind=EventKind.STATUS_CHANGED).latest("created_at", "pk")
    assert moved.actor is None and "Paiement de 25,00" in moved.body


def test_without_an_amount_the_procedures_fee_is_asked(territory, citizen, admin_a, agent_a):
    make_regie(territory.commune_a, slug="droits", name="Droits")
    procedure = published_procedure(
        territory.commune_a, actor=admin_a, slug="sans-montant", workflow=fee_workflow(amount_cents=None)
    )
    procedure.fee_cents = 1200
    procedure.save(update_fields=["fee_cents"])
    case = submit_case(
        organisation=territory.commune_a, procedure=procedure, answers={"objet": "x"}, requester=citizen,
        requester_name="Camille", requester_email=citizen.email, actor=citizen,
    )  # fmt: skip
    apply_transition(case=case.case, transition_key="ask_payment", actor=agent_a)
    assert Invoice.objects.get(case=case.case).amount_cents == 1200


def test_a_missing_regie_refuses_the_transition_with_a_clear_message(fee_case, agent_a):
    from parvis.payments.models import Regie

    Regie.objects.filter(slug="droits").update(is_active=False)
    with pytest.raises(CaseError, match="régie « droits »"):
        apply_transition(case=fee_case, transition_key="ask_payment", actor=agent_a)
    fee_case.refresh_from_db()
    assert fee_case.status == "received"
    assert not Invoice.objects.exists()


def test_a_paid_fee_on_a_case_that_moved_on_does_not_fail_the_payment(fee_case, agent_a):
    apply_transition(case=fee_case, transition_key="ask_payment", actor=agent_a)
    apply_transition(case=fee_case, transition_key="close", actor=agent_a, comment="Dossier retiré")
    invoice = Invoice.objects.get(case=fee_case)
    services.record_counter_payment(invoice=invoice, method=CounterMethod.CASH, actor=agent_a)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID_COUNTER

"""Booking as a step of a case (issue 8): the workflow asks the requester to book, the booking moves the case on."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from parvis.appointments.models import Appointment, AppointmentRequest
from parvis.cases.services import CaseError, apply_transition, submit_case
from parvis.notifications.models import OutboundMessage
from parvis.procedures.workflow import Workflow, WorkflowError, default_workflow
from tests.appointments.helpers import make_agenda, next_weekday, slot_at
from tests.conftest import HOST_A, logged_in
from tests.factories import published_procedure


def appointment_workflow(type_slug="cni", booked_transition="accept"):
    data = default_workflow()
    for transition in data["transitions"]:
        if transition["key"] == "start":
            transition["actions"].append(
                {"type": "request_appointment", "appointment_type": type_slug, "booked_transition": booked_transition}
            )
    return data


@pytest.fixture
def agenda(territory):
    return make_agenda(territory.commune_a)


@pytest.fixture
def case(territory, admin_a):
    procedure = published_procedure(
        territory.commune_a,
        actor=admin_a,
        department=territory.department_a,
        title="Carte d'identité",
        slug="cni-demande",
        workflow=appointment_workflow(),
    )
    return submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Renouvellement"},
        requester=None,
        requester_name="Jeanne Lefèvre",
        requester_email="jeanne@example.org",
        actor=None,
    ).case


def _link() -> str:
    message = OutboundMessage.objects.filter(to="jeanne@example.org", body_text__contains="?rdv=").latest("pk")
    url = re.search(r"https?://\S+\?rdv=\S+", message.body_text).group(0)
    return url.split("localhost", 1)[1].lstrip(":0123456789")


def test_a_workflow_cannot_name_a_booked_transition_that_does_not_leave_the_waiting_step():
    with pytest.raises(WorkflowError, match="booked_transition"):
        Workflow.from_json(appointment_workflow(booked_transition="start")).validate()
    with pytest.raises(WorkflowError, match="type de rendez-vous"):
        Workflow.from_json(appointment_workflow(type_slug="")).validate()


def test_the_requester_gets_a_link_books_without_an_account_and_the_case_moves_on(
    territory, agenda, case, agent_a, client_a
):
    kind, desks = agenda
    agent = logged_in(agent_a, HOST_A)
    agent.post(reverse("cases:transition", args=[case.reference]), {"transition": "start"})
    case.refresh_from_db()
    assert case.status == "in_progress"
    link = _link()
    assert link.startswith(reverse("appointments:book", args=["cni"]))

    page = client_a.get(link)
    assert page.status_code == 200
    content = page.content.decode()
    assert case.reference in content and 'value="Jeanne Lefèvre"' in content
    day = next_weekday()
    response = client_a.post(
        link,
        {
            "slot": f"{desks[0].pk}|{slot_at(day, 10).isoformat()}",
            "contact_name": "Jeanne Lefèvre",
            "contact_email": "jeanne@example.org",
            "contact_phone": "",
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.case == case
    case.refresh_from_db()
    assert case.status == "accepted"  # the booked transition applied by itself
    assert AppointmentRequest.objects.get().appointment == appointment
    titles = list(case.events.values_list("title", flat=True))
    assert "Rendez-vous pris" in titles
    # The link is used: it cannot book a second time.
    assert client_a.get(link).status_code == 404


def test_a_link_for_another_type_or_a_made_up_token_is_refused(territory, agenda, case, agent_a, client_a):
    make_agenda(territory.commune_a, slug="passeport", name="Passeport")
    apply_transition(case=case, transition_key="start", actor=agent_a)
    token = _link().split("rdv=")[1]
    assert client_a.get(reverse("appointments:book", args=["passeport"]) + f"?rdv={token}").status_code == 404
    assert client_a.get(reverse("appointments:book", args=["cni"]) + "?rdv=invente").status_code == 404


def test_a_workflow_naming_a_missing_appointment_type_refuses_the_step_and_changes_nothing(territory, case, agent_a):
    # No agenda: the type "cni" does not exist in commune A.
    with pytest.raises(CaseError, match="n'existe pas"):
        apply_transition(case=case, transition_key="start", actor=agent_a)
    case.refresh_from_db()
    assert case.status == "received" and not AppointmentRequest.objects.exists()

"""The agents' daily digest of cases at risk: content, once a day, scope, opt-out, the job."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from parvis.accounts.enums import Role
from parvis.cases.models import Case
from parvis.cases.services import submit_case
from parvis.legal.digest import send_daily_digests
from parvis.legal.enums import DeadlineState
from parvis.legal.models import DigestOptOut, DigestSent
from parvis.notifications.models import OutboundMessage
from parvis.procedures.models import Procedure
from tests.conftest import HOST_A, logged_in
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory, published_procedure

TODAY = dt.date(2026, 3, 10)
MORNING = dt.datetime(2026, 3, 10, 7, 30, tzinfo=dt.UTC)  # 8:30 in Paris
NIGHT = dt.datetime(2026, 3, 10, 4, 0, tzinfo=dt.UTC)  # 5:00 in Paris, before the digest hour


def _procedure(organisation, admin, department, slug):
    procedure = published_procedure(organisation, actor=admin, department=department, slug=slug, title="Permis")
    Procedure.objects.filter(pk=procedure.pk).update(
        silence_rule="sva", silence_period=2, silence_unit="months", legal_nature="demande"
    )
    procedure.refresh_from_db()
    return procedure


def _case(organisation, procedure, name, *, state, due=None, last=None, department=None) -> Case:
    case = submit_case(
        organisation=organisation,
        procedure=procedure,
        answers={"objet": "Demande"},
        requester=None,
        requester_name=name,
        requester_email="demandeur@example.org",
        channel="web",
        actor=None,
    ).case
    if due and not last:
        last = due - dt.timedelta(days=1)
    fields = {"deadline_state": state, "decision_due_on": due, "last_day": last}
    if department is not None:
        fields["department"] = department
    Case.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return case


@pytest.fixture
def at_risk(territory, admin_a, agent_b):
    admin_b = UserFactory(email="admin-b@commune-b.test")
    MembershipFactory(user=admin_b, organisation=territory.commune_b, role=Role.ADMIN)
    proc_a = _procedure(territory.commune_a, admin_a, territory.department_a, "permis")
    proc_b = _procedure(territory.commune_b, admin_b, territory.department_b, "permis-b")
    voirie = DepartmentFactory(organisation=territory.commune_a, name="Voirie")
    a = {
        "in_5": _case(territory.commune_a, proc_a, "Dans Cinq", state="running", due=TODAY + dt.timedelta(days=5)),
        "late": _case(territory.commune_a, proc_a, "En Retard", state="none", last=TODAY - dt.timedelta(days=2)),
        "in_2": _case(territory.commune_a, proc_a, "Dans Deux", state="running", due=TODAY + dt.timedelta(days=2)),
        "in_20": _case(territory.commune_a, proc_a, "Plus Tard", state="running", due=TODAY + dt.timedelta(days=20)),
        "waiting": _case(territory.commune_a, proc_a, "Pieces Attendues", state=DeadlineState.WAITING),
        "voirie": _case(
            territory.commune_a,
            proc_a,
            "Autre Service",
            state="running",
            due=TODAY + dt.timedelta(days=1),
            department=voirie,
        ),
    }
    b = {"in_3": _case(territory.commune_b, proc_b, "Commune Bee", state="running", due=TODAY + dt.timedelta(days=3))}
    return a, b, admin_b


def digests_to(email: str) -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(event="legal.digest", to=email).order_by("pk"))


def test_each_agent_gets_one_digest_of_their_cases_at_risk_soonest_first_with_links(
    territory, agent_a, admin_a, at_risk
):
    a, b, _ = at_risk
    send_daily_digests(MORNING)

    [message] = digests_to(agent_a.email)  # limited to the civil-status department
    body = message.body_text
    order = [body.index(a[k].reference) for k in ("late", "in_2", "in_5")]
    assert order == sorted(order)
    for key in ("in_20", "waiting", "voirie"):
        assert a[key].reference not in body
    assert b["in_3"].reference not in body
    assert f"http://{HOST_A}" in body and f"/backoffice/demandes/{a['in_2'].reference}/" in body
    assert "Dernier jour pour décider demain" in body
    assert "Échéance indicative du 8 mars 2026 dépassée" in body
    assert "/backoffice/resume-quotidien/" in body
    assert message.subject == "Commune A : 3 demandes à décider bientôt dont 1 en retard"

    [admin_message] = digests_to(admin_a.email)  # no department: every case of the commune
    assert a["voirie"].reference in admin_message.body_text
    assert b["in_3"].reference not in admin_message.body_text


def test_running_the_job_twice_the_same_day_sends_one_digest_and_the_next_day_another(territory, agent_a, at_risk):
    send_daily_digests(MORNING)
    send_daily_digests(MORNING + dt.timedelta(hours=3))
    assert len(digests_to(agent_a.email)) == 1
    assert DigestSent.objects.filter(user=agent_a, day=TODAY).count() == 1
    send_daily_digests(MORNING + dt.timedelta(days=1))
    assert len(digests_to(agent_a.email)) == 2


def test_nothing_is_sent_before_the_digest_hour(territory, agent_a, at_risk):
    assert send_daily_digests(NIGHT) == 0
    assert digests_to(agent_a.email) == []


def test_agents_of_the_other_commune_get_only_their_own_cases(territory, agent_b, at_risk):
    a, b, admin_b = at_risk
    send_daily_digests(MORNING)
    for user in (agent_b, admin_b):
        [message] = digests_to(user.email)
        assert b["in_3"].reference in message.body_text
        assert not any(case.reference in message.body_text for case in a.values())
        assert message.organisation_id == territory.commune_b.pk


def test_nothing_is_sent_when_the_list_is_empty(territory, agent_a, admin_a):
    procedure = _procedure(territory.commune_a, admin_a, territory.department_a, "permis")
    _case(territory.commune_a, procedure, "Loin", state="running", due=TODAY + dt.timedelta(days=30))
    assert send_daily_digests(MORNING) == 0
    assert not OutboundMessage.objects.filter(event="legal.digest").exists()
    assert not DigestSent.objects.exists()


def test_elected_officials_and_the_epci_administrator_get_no_commune_digest(territory, epci_admin, at_risk):
    elected = UserFactory(email="elu@commune-a.test")
    MembershipFactory(user=elected, organisation=territory.commune_a, role=Role.ELECTED)
    send_daily_digests(MORNING)
    assert digests_to(elected.email) == []
    assert digests_to(epci_admin.email) == []


def test_an_agent_who_opted_out_gets_nothing_and_can_opt_back_in(territory, agent_a, at_risk):
    client = logged_in(agent_a, HOST_A)
    page = client.get("/backoffice/resume-quotidien/")
    assert page.status_code == 200
    assert "vous recevez ce résumé" in page.content.decode()

    response = client.post("/backoffice/resume-quotidien/", {})
    assert response.status_code == 302
    assert DigestOptOut.objects.filter(user=agent_a, organisation=territory.commune_a).exists()
    assert "vous ne recevez pas ce résumé" in client.get("/backoffice/resume-quotidien/").content.decode()
    send_daily_digests(MORNING)
    assert digests_to(agent_a.email) == []

    client.post("/backoffice/resume-quotidien/", {"receive": "on"})
    assert not DigestOptOut.objects.filter(user=agent_a).exists()
    send_daily_digests(MORNING)
    assert len(digests_to(agent_a.email)) == 1


def test_the_digest_job_is_registered_with_the_worker(db):
    from parvis.scheduler.management.commands.worker import load_periodic_jobs
    from parvis.scheduler.services import registered_jobs

    load_periodic_jobs()
    assert registered_jobs()["legal.digest"].interval == 3600


def test_the_enqueued_task_sends_the_digests(territory, agent_a, at_risk, settings):
    from parvis.legal.digest import enqueue_daily_digests

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with time_machine.travel(MORNING, tick=False):
        enqueue_daily_digests()
    assert len(digests_to(agent_a.email)) == 1

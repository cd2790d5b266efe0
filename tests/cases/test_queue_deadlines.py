"""The work queue's deadline filters ("décision due dans les 7 jours", "en retard"), its sort by
deadline (keyset pagination with cases without date last) and the countdown badge in each row."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parvis.cases.models import Case
from parvis.cases.services import submit_case
from parvis.legal.clock import paris_today
from parvis.legal.enums import DeadlineState
from parvis.procedures.models import Procedure
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import published_procedure

QUEUE = "/backoffice/demandes/"


def references(response) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/backoffice/demandes/([A-Z0-9-]+)/">', response.content.decode())


def sva_procedure(organisation, admin, department, slug="permis"):
    procedure = published_procedure(organisation, actor=admin, department=department, slug=slug, title="Permis")
    Procedure.objects.filter(pk=procedure.pk).update(
        silence_rule="sva", silence_period=2, silence_unit="months", legal_nature="demande"
    )
    procedure.refresh_from_db()
    return procedure


def filed(organisation, procedure, *, name="Camille Martin") -> Case:
    return submit_case(
        organisation=organisation,
        procedure=procedure,
        answers={"objet": "Demande"},
        requester=None,
        requester_name=name,
        requester_email="demandeur@example.org",
        channel="web",
        actor=None,
    ).case


def clock(case: Case, state: str, *, due_in: int | None = None, last_in: int | None = None) -> Case:
    """Put the case's clock at a date relative to today (test set-up only; the legal services own it)."""
    today = paris_today()
    due = today + dt.timedelta(days=due_in) if due_in is not None else None
    last = today + dt.timedelta(days=last_in) if last_in is not None else (due - dt.timedelta(days=1) if due else None)
    Case.objects.filter(pk=case.pk).update(deadline_state=state, decision_due_on=due, last_day=last)
    case.refresh_from_db()
    return case


@pytest.fixture
def cases_of_both_communes(territory, admin_a, agent_b):
    from tests.factories import MembershipFactory, UserFactory

    admin_b = UserFactory(email="admin-b@commune-b.test")
    MembershipFactory(user=admin_b, organisation=territory.commune_b, role="admin")
    proc_a = sva_procedure(territory.commune_a, admin_a, territory.department_a)
    proc_b = sva_procedure(territory.commune_b, admin_b, territory.department_b, slug="permis-b")
    a = {
        "in_3": clock(filed(territory.commune_a, proc_a), DeadlineState.RUNNING, due_in=3),
        "in_8": clock(filed(territory.commune_a, proc_a), DeadlineState.RUNNING, due_in=8),
        "in_30": clock(filed(territory.commune_a, proc_a), DeadlineState.RUNNING, due_in=30),
        "suspended_5": clock(filed(territory.commune_a, proc_a), DeadlineState.SUSPENDED, due_in=5),
        "waiting": clock(filed(territory.commune_a, proc_a), DeadlineState.WAITING),
        "past_due": clock(filed(territory.commune_a, proc_a), DeadlineState.RUNNING, due_in=0),
        "indicative_late": clock(filed(territory.commune_a, proc_a), DeadlineState.NONE, last_in=-2),
        "indicative_later": clock(filed(territory.commune_a, proc_a), DeadlineState.NONE, last_in=20),
        "undated": clock(filed(territory.commune_a, proc_a), DeadlineState.NONE),
    }
    b = {
        "in_2": clock(filed(territory.commune_b, proc_b), DeadlineState.RUNNING, due_in=2),
        "late": clock(filed(territory.commune_b, proc_b), DeadlineState.NONE, last_in=-5),
    }
    return a, b


def refs(cases: dict[str, Case], *keys: str) -> set[str]:
    return {cases[k].reference for k in keys}


def test_decision_due_within_7_days_lists_running_and_suspended_clocks_of_this_commune_only(
    territory, admin_a, agent_b, cases_of_both_communes
):
    a, b = cases_of_both_communes
    response = logged_in(admin_a, HOST_A).get(QUEUE, {"deadline": "due_7"})
    assert response.status_code == 200
    assert set(references(response)) == refs(a, "in_3", "suspended_5", "past_due")
    for case in b.values():
        assert case.reference not in response.content.decode()
    assert set(references(logged_in(agent_b, HOST_B).get(QUEUE, {"deadline": "due_7"}))) == {b["in_2"].reference}


def test_late_lists_open_cases_whose_last_day_has_passed(territory, admin_a, agent_b, cases_of_both_communes):
    a, b = cases_of_both_communes
    response = logged_in(admin_a, HOST_A).get(QUEUE, {"deadline": "late"})
    assert set(references(response)) == refs(a, "past_due", "indicative_late")
    assert b["late"].reference not in response.content.decode()
    assert set(references(logged_in(agent_b, HOST_B).get(QUEUE, {"deadline": "late"}))) == {b["late"].reference}


def test_an_agent_of_commune_a_on_commune_bs_host_sees_nothing(territory, agent_a, cases_of_both_communes):
    assert logged_in(agent_a, HOST_B).get(QUEUE, {"deadline": "due_7"}).status_code == 403


def test_the_rows_show_the_countdown_badge(territory, admin_a, cases_of_both_communes):
    a, _ = cases_of_both_communes
    html = logged_in(admin_a, HOST_A).get(QUEUE).content.decode()
    due = paris_today() + dt.timedelta(days=30)
    assert f'<time datetime="{due.isoformat()}">{due:%d/%m}</time> (dans 30 j)' in html
    assert "Délai non commencé" in html and "Délai suspendu" in html and "Échéance dépassée" in html
    assert 'visually-hidden">Décision implicite d&#x27;acceptation dans 3 jours' in html


def test_the_sort_by_deadline_goes_soonest_first_with_undated_cases_last_across_pages(
    territory, admin_a, cases_of_both_communes, monkeypatch
):
    monkeypatch.setattr("parvis.cases.queries.PAGE_SIZE", 2)
    a, _ = cases_of_both_communes
    client = logged_in(admin_a, HOST_A)

    def link(response, label):
        match = re.search(rf'<a href="\?([^"]*)">{label}</a>', response.content.decode())
        return match.group(1).replace("&amp;", "&") if match else None

    seen: list[list[str]] = []
    response = client.get(QUEUE, {"sort": "deadline"})
    while True:
        seen.append(references(response))
        nxt = link(response, "Page suivante")
        if nxt is None:
            break
        response = client.get(QUEUE + "?" + nxt)
    order = [ref for page in seen for ref in page]
    by_ref = {c.reference: c for c in a.values()}
    assert sorted(order) == sorted(by_ref)
    dated = [by_ref[r].last_day for r in order if by_ref[r].last_day is not None]
    assert dated == sorted(dated)
    undated = [r for r in order if by_ref[r].last_day is None]
    assert order[-len(undated) :] == undated and len(undated) >= 1
    # Going back from the last page gives the previous page again, undated cases included.
    back = client.get(QUEUE + "?" + link(response, "Page précédente"))
    assert references(back) == seen[-2]


def test_the_deadline_filters_and_badges_add_no_query_per_row(territory, admin_a, cases_of_both_communes):
    _, _ = cases_of_both_communes
    client = logged_in(admin_a, HOST_A)
    client.get(QUEUE)

    def count(params):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE, params).status_code == 200
        return len(queries)

    few = count({"status": "", "sort": "deadline"})
    proc = Procedure.objects.get(organisation=territory.commune_a, slug="permis")
    for i in range(20):
        clock(filed(territory.commune_a, proc, name=f"Demandeur {i}"), DeadlineState.RUNNING, due_in=i % 10)
    assert count({"status": "", "sort": "deadline"}) == few
    assert count({"deadline": "due_7"}) == few
    assert count({"deadline": "late"}) == few


def test_the_queue_offers_shortcuts_to_the_deadline_filters_and_the_digest_settings(territory, agent_a):
    html = logged_in(agent_a, HOST_A).get(QUEUE).content.decode()
    assert "?deadline=due_7&amp;sort=deadline" in html
    assert "?deadline=late&amp;sort=deadline" in html
    assert 'href="/backoffice/resume-quotidien/"' in html
    assert '<option value="due_7">Décision due dans les 7 jours</option>' in html

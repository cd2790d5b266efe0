"""The agents' work queue: filters, search, keyset pagination and a bounded number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parvis.accounts.enums import Role
from parvis.cases.services import apply_transition, assign_case, submit_case
from tests.conftest import HOST_A, logged_in
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory, published_procedure

QUEUE = "/backoffice/demandes/"


@pytest.fixture
def procedure(territory, admin_a):
    return published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)


def make_case(territory, procedure, *, name="Camille Martin", answers=None, channel="web", organisation=None):
    return submit_case(
        organisation=organisation or territory.commune_a,
        procedure=procedure,
        answers=answers or {"objet": "Copie intégrale"},
        requester=None,
        requester_name=name,
        requester_email="demandeur@example.org",
        channel=channel,
        actor=None,
    ).case


def references(response) -> list[str]:
    """The case references listed in the queue, in order (each is a row header link)."""
    return re.findall(r'<th scope="row"><a href="/backoffice/demandes/([A-Z0-9-]+)/">', response.content.decode())


def test_the_queue_shows_open_cases_by_default_and_closed_ones_on_request(territory, procedure, agent_a):
    open_case = make_case(territory, procedure, name="Hélène Ouverte")
    closed = make_case(territory, procedure, name="Gaston Clos")
    apply_transition(case=closed, transition_key="accept", actor=agent_a)
    client = logged_in(agent_a, HOST_A)

    response = client.get(QUEUE)
    assert response.status_code == 200
    assert references(response) == [open_case.reference]
    assert "Hélène Ouverte" in response.content.decode()
    assert "Réinitialiser les filtres" in response.content.decode()

    assert references(client.get(QUEUE, {"status": "closed"})) == [closed.reference]
    assert set(references(client.get(QUEUE, {"status": ""}))) == {open_case.reference, closed.reference}
    assert references(client.get(QUEUE, {"status": "Acceptée"})) == [closed.reference]


def test_the_queue_filters_by_procedure_channel_department_and_assignment(territory, procedure, agent_a, admin_a):
    other_procedure = published_procedure(
        territory.commune_a, actor=admin_a, department=territory.department_a, title="Inscription", slug="ecole"
    )
    by_phone = make_case(territory, procedure, channel="phone")
    school = make_case(territory, other_procedure)
    mine = make_case(territory, procedure)
    assign_case(case=mine, agent=agent_a, actor=agent_a)
    client = logged_in(admin_a, HOST_A)

    assert references(client.get(QUEUE, {"procedure": other_procedure.pk})) == [school.reference]
    assert references(client.get(QUEUE, {"channel": "phone"})) == [by_phone.reference]
    assert set(references(client.get(QUEUE, {"assignment": "unassigned"}))) == {by_phone.reference, school.reference}
    assert references(logged_in(agent_a, HOST_A).get(QUEUE, {"assignment": "me"})) == [mine.reference]
    assert len(references(client.get(QUEUE, {"department": territory.department_a.pk}))) == 3
    other_department = DepartmentFactory(organisation=territory.commune_a)
    assert references(client.get(QUEUE, {"department": other_department.pk})) == []


def test_an_agent_limited_to_a_department_sees_only_its_cases_and_those_assigned_to_them(
    territory, procedure, agent_a, admin_a
):
    voirie = DepartmentFactory(organisation=territory.commune_a, name="Voirie")
    elsewhere = published_procedure(
        territory.commune_a, actor=admin_a, department=voirie, title="Signalement voirie", slug="voirie"
    )
    ours = make_case(territory, procedure)
    theirs = make_case(territory, elsewhere, name="Nom hors service")
    given = make_case(territory, elsewhere)
    assign_case(case=given, agent=agent_a, actor=admin_a)

    response = logged_in(agent_a, HOST_A).get(QUEUE)
    assert set(references(response)) == {ours.reference, given.reference}
    assert theirs.reference not in response.content.decode()
    assert references(logged_in(agent_a, HOST_A).get(QUEUE, {"assignment": "my_department"})) == [ours.reference]


def test_search_matches_names_and_answers_without_accents_or_plurals(territory, procedure, agent_a):
    helene = make_case(territory, procedure, name="Hélène Dupré")
    garage = make_case(territory, procedure, answers={"objet": "Travaux du garage"})
    make_case(territory, procedure, name="Autre Personne")
    client = logged_in(agent_a, HOST_A)

    assert references(client.get(QUEUE, {"q": "helene dupre"})) == [helene.reference]
    assert references(client.get(QUEUE, {"q": "travaux garages"})) == [garage.reference]
    assert references(client.get(QUEUE, {"q": "introuvable"})) == []


def test_an_exact_reference_comes_first_even_when_other_cases_mention_it(territory, procedure, agent_a):
    wanted = make_case(territory, procedure)
    mention = make_case(territory, procedure, answers={"objet": f"Suite de la demande {wanted.reference}"})
    response = logged_in(agent_a, HOST_A).get(QUEUE, {"q": wanted.reference.lower()})
    assert references(response) == [wanted.reference, mention.reference]
    assert "Référence exacte" in response.content.decode()


def test_the_queue_pages_forward_and_back_without_counting_rows(territory, procedure, agent_a, monkeypatch):
    monkeypatch.setattr("parvis.cases.queries.PAGE_SIZE", 2)
    cases = [make_case(territory, procedure) for _ in range(5)]
    newest_first = [c.reference for c in reversed(cases)]
    client = logged_in(agent_a, HOST_A)

    first = client.get(QUEUE)
    assert references(first) == newest_first[:2]
    assert "Page précédente" not in first.content.decode()

    def link(response, label):
        match = re.search(rf'<a href="\?([^"]*)">{label}</a>', response.content.decode())
        return match.group(1).replace("&amp;", "&") if match else None

    second = client.get(QUEUE + "?" + link(first, "Page suivante"))
    assert references(second) == newest_first[2:4]
    third = client.get(QUEUE + "?" + link(second, "Page suivante"))
    assert references(third) == newest_first[4:]
    assert link(third, "Page suivante") is None
    back = client.get(QUEUE + "?" + link(third, "Page précédente"))
    assert references(back) == newest_first[2:4]

    oldest = client.get(QUEUE, {"sort": "oldest"})
    assert references(oldest) == [c.reference for c in cases[:2]]
    assert "sort=oldest" in link(oldest, "Page suivante")


def test_an_invalid_filter_is_reported_and_ignored(territory, procedure, agent_a):
    case = make_case(territory, procedure)
    response = logged_in(agent_a, HOST_A).get(QUEUE, {"procedure": "pas-un-nombre", "channel": "web"})
    assert response.status_code == 200
    assert references(response) == [case.reference]
    assert "Le formulaire contient" in response.content.decode()


def _queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE, {"status": ""})
    assert response.status_code == 200
    return len(queries)


def test_the_queue_issues_the_same_number_of_queries_for_5_and_60_cases(
    territory, procedure, agent_a, admin_a, django_assert_max_num_queries
):
    """Each row shows its procedure, department, assignee and status colour: no query per row."""
    other = published_procedure(
        territory.commune_a, actor=admin_a, department=territory.department_a, title="Carte d'identité", slug="cni"
    )
    colleague = UserFactory(email="collegue@commune-a.test")
    MembershipFactory(
        user=colleague, organisation=territory.commune_a, role=Role.BACK_OFFICE, department=territory.department_a
    )

    def add(count: int) -> None:
        for i in range(count):
            case = make_case(territory, procedure if i % 2 else other, name=f"Demandeur {i}")
            if i % 3 == 0:
                assign_case(case=case, agent=colleague if i % 2 else agent_a, actor=admin_a)
            if i % 4 == 0:
                apply_transition(case=case, transition_key="start", actor=admin_a)

    add(5)
    client = logged_in(agent_a, HOST_A)
    client.get(QUEUE)  # the hostname → organisation cache is warm for both measures
    with_5 = _queue_queries(client)
    add(55)
    with_60 = _queue_queries(client)
    assert with_5 == with_60 <= 20
    # A text search adds one query: the exact reference match shown first.
    with django_assert_max_num_queries(with_5 + 1):
        assert client.get(QUEUE, {"status": "", "q": "demandeur"}).status_code == 200


def test_a_citizen_cannot_open_the_queue(territory, citizen):
    assert logged_in(citizen, HOST_A).get(QUEUE).status_code == 403


def test_the_back_office_menu_offers_the_queue_to_every_agent(territory, agent_a):
    elected = UserFactory(email="elu@commune-a.test")
    MembershipFactory(user=elected, organisation=territory.commune_a, role=Role.ELECTED)
    for user in (agent_a, elected):
        response = logged_in(user, HOST_A).get("/backoffice/demandes/")
        assert 'href="/backoffice/demandes/" aria-current="page">Demandes</a>' in response.content.decode()

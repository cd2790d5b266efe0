"""Bulk actions on a selection of the work queue: all of the selection, or nothing."""

from __future__ import annotations

import pytest

from parvis.accounts.enums import Role
from parvis.cases.models import Case
from parvis.cases.services import apply_transition, submit_case
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import MembershipFactory, UserFactory, published_procedure

BULK = "/backoffice/demandes/selection/"


@pytest.fixture
def procedure(territory, admin_a):
    return published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)


@pytest.fixture
def cases(territory, procedure):
    return [
        submit_case(
            organisation=territory.commune_a,
            procedure=procedure,
            answers={"objet": f"Demande {i}"},
            requester=None,
            requester_name=f"Demandeur {i}",
            requester_email=f"demandeur{i}@example.org",
            actor=None,
        ).case
        for i in range(3)
    ]


def refs(cases) -> list[str]:
    return [case.reference for case in cases]


def statuses(cases) -> list[str]:
    return [Case.objects.get(pk=case.pk).status for case in cases]


def test_the_agent_assigns_a_selection_to_themself_and_returns_to_the_same_filters(territory, cases, agent_a):
    response = logged_in(agent_a, HOST_A).post(
        BULK, {"references": refs(cases[:2]), "bulk-action": "assign_me", "query": "status=open&sort=oldest"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/backoffice/demandes/?status=open&sort=oldest"
    assert [Case.objects.get(pk=c.pk).assigned_to for c in cases] == [agent_a, agent_a, None]


def test_the_agent_assigns_a_selection_to_a_colleague(territory, cases, agent_a, admin_a):
    client = logged_in(agent_a, HOST_A)
    response = client.post(BULK, {"references": refs(cases), "bulk-action": "assign"})
    assert response.status_code == 200
    assert "Choisissez l&#x27;agent" in response.content.decode()
    response = client.post(BULK, {"references": refs(cases), "bulk-action": "assign", "bulk-agent": admin_a.pk})
    assert response.status_code == 302
    assert {Case.objects.get(pk=c.pk).assigned_to for c in cases} == {admin_a}


def test_a_transition_applies_to_the_whole_selection(territory, cases, agent_a):
    client = logged_in(agent_a, HOST_A)
    assert client.get("/backoffice/demandes/").content.decode().count("transition:start") == 1
    response = client.post(BULK, {"references": refs(cases), "bulk-action": "transition:start"})
    assert response.status_code == 302
    assert statuses(cases) == ["in_progress"] * 3


def test_a_transition_impossible_for_one_case_changes_none_and_names_it(territory, cases, agent_a):
    apply_transition(case=cases[1], transition_key="start", actor=agent_a)
    response = logged_in(agent_a, HOST_A).post(
        BULK, {"references": refs(cases), "bulk-action": "transition:start", "query": "status=open"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Cette action n&#x27;est pas possible pour la demande {cases[1].reference}" in page
    assert "Aucune demande n&#x27;a été modifiée" in page
    assert statuses(cases) == ["received", "in_progress", "received"]
    # the selection is kept, ready to be corrected
    for case in cases:
        assert f'value="{case.reference}" id="select-{case.reference}" data-select-item checked' in page


def test_a_bulk_transition_requiring_a_comment_needs_one(territory, cases, agent_a):
    client = logged_in(agent_a, HOST_A)
    response = client.post(BULK, {"references": refs(cases), "bulk-action": "transition:close"})
    assert "Un commentaire est obligatoire" in response.content.decode()
    assert statuses(cases) == ["received"] * 3
    response = client.post(
        BULK, {"references": refs(cases), "bulk-action": "transition:close", "bulk-comment": "Doublons."}
    )
    assert response.status_code == 302
    assert statuses(cases) == ["closed"] * 3


def test_an_empty_selection_is_refused_politely(territory, cases, agent_a):
    response = logged_in(agent_a, HOST_A).post(BULK, {"bulk-action": "assign_me"}, follow=True)
    assert "Sélectionnez au moins une demande" in response.content.decode()


def test_a_selection_with_another_communes_case_is_not_found(territory, cases, agent_a, agent_b):
    own_b = submit_case(
        organisation=territory.commune_b,
        procedure=published_procedure(territory.commune_b, department=territory.department_b, slug="b"),
        answers={},
        requester=None,
        requester_name="De B",
        requester_email="b@example.org",
        actor=None,
    ).case
    response = logged_in(agent_b, HOST_B).post(
        BULK, {"references": [own_b.reference, cases[0].reference], "bulk-action": "assign_me"}
    )
    assert response.status_code == 404
    assert Case.objects.get(pk=own_b.pk).assigned_to is None
    assert Case.objects.get(pk=cases[0].pk).assigned_to is None


def test_an_elected_official_cannot_act_in_bulk(territory, cases):
    elected = UserFactory(email="elu@commune-a.test")
    MembershipFactory(user=elected, organisation=territory.commune_a, role=Role.ELECTED)
    client = logged_in(elected, HOST_A)
    assert "Agir sur les demandes sélectionnées" not in client.get("/backoffice/demandes/").content.decode()
    assert client.post(BULK, {"references": refs(cases), "bulk-action": "assign_me"}).status_code == 403

"""Rules of the back-office services: transfers, links and bulk actions."""

from __future__ import annotations

import pytest

from parvis.audit.models import AuditEvent
from parvis.cases.models import Case, CaseLink
from parvis.cases.services import (
    CaseError,
    apply_transition,
    bulk_apply_transition,
    link_cases,
    submit_case,
    transfer_case,
    transfer_targets,
)
from tests.factories import DepartmentFactory, OrganisationFactory, published_procedure


@pytest.fixture
def procedure(territory, admin_a):
    return published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)


def new_case(territory, procedure, organisation=None) -> Case:
    return submit_case(
        organisation=organisation or territory.commune_a,
        procedure=procedure,
        answers={},
        requester=None,
        requester_name="Demandeur",
        requester_email="demandeur@example.org",
        actor=None,
    ).case


def test_cases_go_only_to_the_other_communes_of_the_same_epci(territory, procedure, agent_a):
    stranger_epci = OrganisationFactory(epci=True)
    elsewhere = OrganisationFactory(parent=stranger_epci)
    assert [o.pk for o in transfer_targets(territory.commune_a)] == [territory.commune_b.pk]
    assert {o.pk for o in transfer_targets(territory.epci)} == {territory.commune_a.pk, territory.commune_b.pk}
    case = new_case(territory, procedure)
    with pytest.raises(CaseError, match="même intercommunalité"):
        transfer_case(case=case, organisation=elsewhere, reason="Erreur", actor=agent_a)
    with pytest.raises(CaseError, match="commune destinataire"):
        transfer_case(
            case=case, organisation=territory.commune_b, department=territory.department_a, reason="x", actor=agent_a
        )
    assert Case.objects.get(pk=case.pk).organisation == territory.commune_a


def test_a_transfer_within_the_commune_needs_another_active_department(territory, procedure, agent_a):
    case = new_case(territory, procedure)
    with pytest.raises(CaseError, match="déjà traitée par ce service"):
        transfer_case(case=case, department=territory.department_a, reason="x", actor=agent_a)
    with pytest.raises(CaseError, match="n'appartient pas"):
        transfer_case(case=case, department=territory.department_b, reason="x", actor=agent_a)
    closed = DepartmentFactory(organisation=territory.commune_a, is_active=False)
    with pytest.raises(CaseError, match="n'appartient pas"):
        transfer_case(case=case, department=closed, reason="x", actor=agent_a)
    voirie = DepartmentFactory(organisation=territory.commune_a)
    with pytest.raises(CaseError, match="motif"):
        transfer_case(case=case, department=voirie, reason=" ", actor=agent_a)


def test_a_transfer_to_another_commune_without_department_uses_its_adoption_or_none(territory, procedure, agent_a):
    case = new_case(territory, procedure)
    moved = transfer_case(case=case, organisation=territory.commune_b, reason="Adresse à B", actor=agent_a)
    assert moved.organisation == territory.commune_b and moved.department is None
    event = AuditEvent.objects.get(action="case.transferred")
    assert event.organisation == territory.commune_a and event.after["reason"] == "Adresse à B"


def test_links_stay_within_one_organisation_and_are_not_doubled(territory, procedure, agent_a):
    case, other = new_case(territory, procedure), new_case(territory, procedure)
    with pytest.raises(CaseError, match="elle-même"):
        link_cases(case=case, other=case, actor=agent_a)
    link_cases(case=case, other=other, actor=agent_a)
    with pytest.raises(CaseError, match="déjà liée"):
        link_cases(case=other, other=case, actor=agent_a)
    of_b = new_case(
        territory,
        published_procedure(territory.commune_b, department=territory.department_b, slug="b"),
        organisation=territory.commune_b,
    )
    with pytest.raises(CaseError, match="même collectivité"):
        link_cases(case=case, other=of_b, actor=agent_a)
    assert CaseLink.objects.count() == 1
    assert case.events.filter(kind="linked").count() == other.events.filter(kind="linked").count() == 1


def test_a_bulk_transition_is_all_or_nothing(territory, procedure, agent_a):
    cases = [new_case(territory, procedure) for _ in range(3)]
    apply_transition(case=cases[2], transition_key="accept", actor=agent_a)
    with pytest.raises(CaseError, match=cases[2].reference):
        bulk_apply_transition(cases=cases, transition_key="start", actor=agent_a)
    assert [Case.objects.get(pk=c.pk).status for c in cases] == ["received", "received", "accepted"]
    bulk_apply_transition(cases=cases[:2], transition_key="start", actor=agent_a)
    assert [Case.objects.get(pk=c.pk).status for c in cases[:2]] == ["in_progress", "in_progress"]

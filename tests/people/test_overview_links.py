"""The ways into the 360° page: from a case, from a call, and the record made from a case's account."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parvis.accounts.enums import Role
from parvis.cases.enums import Channel
from parvis.people.models import Person
from parvis.people.services import create_person, person_for_user
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import MembershipFactory, UserFactory, published_procedure
from tests.people.overview_helpers import file_case


@pytest.fixture
def procedure(territory, admin_a):
    return published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)


def _case_page(user, case, host=HOST_A):
    return logged_in(user, host).get(f"/backoffice/demandes/{case.reference}/").content.decode()


def test_the_case_page_links_to_the_persons_page_when_the_case_has_a_person(territory, agent_a, procedure):
    person = create_person(organisation=territory.commune_a, actor=agent_a, last_name="Durand")
    case = file_case(territory.commune_a, procedure, None, person=person, channel=Channel.COUNTER)
    assert f'href="/backoffice/personnes/{person.pk}/"' in _case_page(agent_a, case)


def test_the_case_page_links_to_the_record_of_the_requesters_account(territory, agent_a, citizen, procedure):
    case = file_case(territory.commune_a, procedure, citizen)
    person = person_for_user(organisation=territory.commune_a, user=citizen, actor=agent_a)
    assert f'href="/backoffice/personnes/{person.pk}/"' in _case_page(agent_a, case)


def test_elected_officials_see_the_case_but_no_link_to_people(territory, agent_a, procedure):
    person = create_person(organisation=territory.commune_a, actor=agent_a, last_name="Durand")
    case = file_case(territory.commune_a, procedure, None, person=person)
    elected = UserFactory()
    MembershipFactory(user=elected, organisation=territory.commune_a, role=Role.ELECTED)
    page = _case_page(elected, case)
    assert case.reference in page and "/backoffice/personnes/" not in page


def _for_case_url(case):
    return reverse("people:for_case", args=[case.reference])


def test_an_account_without_record_gets_one_from_the_case_page(territory, agent_a, citizen, procedure):
    case = file_case(territory.commune_a, procedure, citizen)
    url = _for_case_url(case)
    assert f'action="{url}"' in _case_page(agent_a, case)
    response = logged_in(agent_a, HOST_A).post(url)
    person = Person.objects.get(organisation=territory.commune_a, user=citizen)
    assert response.status_code == 302 and response["Location"] == f"/backoffice/personnes/{person.pk}/"
    logged_in(agent_a, HOST_A).post(url)  # a second time: the same record
    assert Person.objects.filter(user=citizen).count() == 1


def test_the_record_is_never_made_from_another_communes_case(territory, agent_b, citizen, procedure):
    case = file_case(territory.commune_a, procedure, citizen)
    url = _for_case_url(case)
    assert logged_in(agent_b, HOST_B).post(url).status_code == 404
    assert logged_in(agent_b, HOST_A).post(url).status_code == 403
    assert not Person.objects.exists()

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from parvis.accounts.enums import Role
from tests.conftest import HOST_A, HOST_EPCI, logged_in
from tests.factories import DepartmentFactory, MembershipFactory, OrganisationFactory

URL = "/backoffice/communes/"


def test_the_epci_administrator_sees_the_member_communes_with_links_and_figures(territory, epci_admin, agent_a):
    DepartmentFactory(organisation=territory.commune_a, name="Voirie A")
    DepartmentFactory(organisation=territory.commune_a, name="Ancien service", is_active=False)
    response = logged_in(epci_admin, HOST_EPCI).get(URL)
    assert response.status_code == 200
    assert "Commune A" in response.text and "Commune B" in response.text
    assert 'href="http://commune-a.localhost:8000/backoffice/"' in response.text
    rows = response.text.split("<tr>")
    row_a = next(row for row in rows if "Commune A" in row)
    assert "<td>2</td>" in row_a  # active departments: État civil A and Voirie A
    assert "<td>1</td>" in row_a  # agents: agent_a


def test_a_commune_of_another_epci_is_not_listed(territory, epci_admin):
    other_epci = OrganisationFactory(epci=True, name="Autre agglo")
    OrganisationFactory(name="Commune étrangère", parent=other_epci)
    assert "Commune étrangère" not in logged_in(epci_admin, HOST_EPCI).get(URL).text


def test_the_epci_menu_offers_the_member_communes_and_a_communes_menu_does_not(territory, epci_admin):
    assert 'href="/backoffice/communes/"' in logged_in(epci_admin, HOST_EPCI).get("/backoffice/").text
    assert 'href="/backoffice/communes/"' not in logged_in(epci_admin, HOST_A).get("/backoffice/").text


def test_a_commune_administrator_cannot_open_the_epcis_back_office(territory, admin_a):
    client = logged_in(admin_a, HOST_EPCI)
    assert client.get(URL).status_code == 403
    assert client.get("/backoffice/").status_code == 403
    assert client.get("/backoffice/agents/").status_code == 403


def test_on_a_communes_host_the_page_names_its_epci_but_never_its_siblings(territory, admin_a, epci_admin):
    response = logged_in(admin_a, HOST_A).get(URL)
    assert response.status_code == 200
    assert "Agglo de test" in response.text and epci_admin.email in response.text
    assert "Commune B" not in response.text


def test_an_epci_agent_without_the_administrator_role_is_refused(territory):
    from tests.factories import UserFactory

    agent = UserFactory(email="agent@epci.test")
    MembershipFactory(user=agent, organisation=territory.epci, role=Role.BACK_OFFICE)
    assert logged_in(agent, HOST_EPCI).get(URL).status_code == 403
    # An EPCI agent who is not an administrator has no rights in the communes.
    assert logged_in(agent, HOST_A).get("/backoffice/").status_code == 403


def test_the_communes_page_runs_a_bounded_number_of_queries(territory, epci_admin):
    client = logged_in(epci_admin, HOST_EPCI)

    def count() -> int:
        client.get(URL)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    few = count()
    for n in range(5):
        commune = OrganisationFactory(name=f"Commune supplémentaire {n}", parent=territory.epci)
        DepartmentFactory(organisation=commune)
    assert count() == few

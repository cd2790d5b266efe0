from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import HOST_A, logged_in
from tests.factories import DepartmentFactory
from tests.notifications.factories import OutboundMessageFactory

URL = "/backoffice/"


def test_an_agent_sees_their_roles_and_no_administration(territory, agent_a):
    response = logged_in(agent_a, HOST_A).get(URL)
    assert response.status_code == 200
    assert "Service instructeur / back office, service État civil A" in response.text
    assert "Administration de Commune A" not in response.text
    assert 'href="/backoffice/services/"' not in response.text


def test_an_administrator_sees_the_figures_and_shortcuts(territory, admin_a, agent_a):
    DepartmentFactory(organisation=territory.commune_a, is_active=False)
    OutboundMessageFactory(organisation=territory.commune_a, failed=True)
    OutboundMessageFactory(organisation=territory.commune_a, failed=True)
    OutboundMessageFactory(organisation=territory.commune_b, failed=True)
    response = logged_in(admin_a, HOST_A).get(URL)
    assert "<strong>1</strong> service actif, 1 désactivé" in response.text
    assert "<strong>2</strong> agents" in response.text
    assert "2 en échec" in response.text
    for link in ("/backoffice/services/", "/backoffice/agents/", "/backoffice/collectivite/", "/backoffice/journal/"):
        assert f'href="{link}"' in response.text


def test_the_epci_administrator_sees_the_administration_of_a_member_commune(territory, epci_admin):
    response = logged_in(epci_admin, HOST_A).get(URL)
    assert "Administrateur de Agglo de test (administration de ses communes)" in response.text
    assert "Administration de Commune A" in response.text


def test_the_current_section_is_marked_in_the_menu(territory, admin_a):
    response = logged_in(admin_a, HOST_A).get(f"/backoffice/services/{territory.department_a.pk}/")
    assert '<a href="/backoffice/services/" aria-current="page">' in response.text
    assert '<a href="/backoffice/" aria-current="page">' not in response.text


def test_the_dashboard_runs_a_bounded_number_of_queries(territory, admin_a):
    client = logged_in(admin_a, HOST_A)

    def count() -> int:
        client.get(URL)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    few = count()
    DepartmentFactory.create_batch(5, organisation=territory.commune_a)
    OutboundMessageFactory.create_batch(5, organisation=territory.commune_a, failed=True)
    assert count() == few
    assert few <= 12

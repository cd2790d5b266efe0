"""The statistics pages through HTTP: who sees what, drill-down links, CSV, the public page."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.utils.html import escape

from parvis.accounts.enums import Role
from parvis.audit.models import AuditEvent
from parvis.legal.clock import paris_today
from parvis.legal.enums import DeadlineState
from parvis.organisations.models import Department
from parvis.stats.models import StatsSettings
from parvis.stats.services import refresh_daily_stats
from tests.conftest import HOST_A, HOST_B, HOST_EPCI, logged_in
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory, published_procedure
from tests.stats.helpers import make_case

TODAY = paris_today()
FIRST = TODAY.replace(day=1)


@pytest.fixture
def figures(territory: Any, procedure: Any) -> None:
    make_case(procedure, received=FIRST, requester_name="Dominique Secret")
    make_case(
        procedure,
        received=FIRST,
        channel="counter",
        closed=TODAY,
        state=DeadlineState.DECIDED,
        last_day=TODAY,
        decided=TODAY,
        requester_name="Claude Confidentiel",
    )
    refresh_daily_stats(start=FIRST - dt.timedelta(days=40), end=TODAY)


@pytest.fixture
def elected(territory: Any) -> Any:
    user = UserFactory(email="elu@commune-a.test")
    MembershipFactory(user=user, organisation=territory.commune_a, role=Role.ELECTED)
    return user


def _csv(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_elected_official_sees_the_dashboard_with_drill_down_links(figures: Any, elected: Any, procedure: Any) -> None:
    response = logged_in(elected, HOST_A).get("/backoffice/statistiques/collectivite/")
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(procedure.title) in page
    assert "/backoffice/demandes/?status=open" in page
    assert "/backoffice/demandes/?deadline=late" in page
    assert "Dominique Secret" not in page
    assert 'style="' not in page  # the CSP forbids inline styles


def test_menu_entry_takes_managers_to_the_dashboard_and_agents_to_their_department(
    figures: Any, elected: Any, agent_a: Any, territory: Any
) -> None:
    assert logged_in(elected, HOST_A).get("/backoffice/statistiques/")["Location"] == (
        "/backoffice/statistiques/collectivite/"
    )
    assert logged_in(agent_a, HOST_A).get("/backoffice/statistiques/")["Location"] == (
        f"/backoffice/statistiques/services/{territory.department_a.pk}/"
    )


def test_department_agent_sees_only_their_department(figures: Any, agent_a: Any, territory: Any) -> None:
    other = DepartmentFactory(organisation=territory.commune_a, name="Urbanisme", slug="urbanisme")
    client = logged_in(agent_a, HOST_A)
    assert client.get(f"/backoffice/statistiques/services/{territory.department_a.pk}/").status_code == 200
    assert client.get(f"/backoffice/statistiques/services/{other.pk}/").status_code == 403
    assert client.get(f"/backoffice/statistiques/services/{other.pk}/export.csv").status_code == 403
    assert client.get("/backoffice/statistiques/collectivite/").status_code == 403
    assert client.get(f"/backoffice/statistiques/services/{territory.department_b.pk}/").status_code == 404


def test_department_dashboard_counts_only_its_department(figures: Any, agent_a: Any, territory: Any) -> None:
    elsewhere = published_procedure(territory.commune_a, slug="stats-autre", title="Autre démarche")
    elsewhere.department = Department.objects.create(organisation=territory.commune_a, name="Voirie", slug="voirie")
    make_case(elsewhere, received=FIRST, department=elsewhere.department)
    refresh_daily_stats(start=FIRST, end=TODAY)
    response = logged_in(agent_a, HOST_A).get(
        f"/backoffice/statistiques/services/{territory.department_a.pk}/export.csv?table=summary"
    )
    rows = _csv(response)
    assert rows[0][1] == "Reçues" and rows[1][1] == "2"


def test_agent_of_another_commune_gets_404_for_a_department_of_a(figures: Any, agent_b: Any, territory: Any) -> None:
    client = logged_in(agent_b, HOST_B)
    assert client.get(f"/backoffice/statistiques/services/{territory.department_a.pk}/").status_code == 404


def test_csv_export_of_the_channel_table(figures: Any, admin_a: Any) -> None:
    response = logged_in(admin_a, HOST_A).get("/backoffice/statistiques/collectivite/export.csv?table=channel")
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0][:4] == ["Canal", "Reçues", "Closes", "En cours (maintenant)"]
    by_label = {row[0]: row for row in rows[1:]}
    assert by_label["Accueil (guichet)"][1:3] == ["1", "1"]
    assert by_label["Site web"][1:4] == ["1", "0", "1"]


def test_unknown_table_is_404(figures: Any, admin_a: Any) -> None:
    assert logged_in(admin_a, HOST_A).get("/backoffice/statistiques/collectivite/export.csv?table=x").status_code == 404


def test_custom_period_errors_are_shown_and_the_input_kept(figures: Any, admin_a: Any) -> None:
    response = logged_in(admin_a, HOST_A).get(
        "/backoffice/statistiques/collectivite/?period=custom&start=2025-03-10&end=2025-03-01"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Le dernier jour doit suivre le premier." in page
    assert 'value="2025-03-10"' in page


def test_year_period_adds_up_the_months(figures: Any, admin_a: Any) -> None:
    response = logged_in(admin_a, HOST_A).get(
        f"/backoffice/statistiques/collectivite/export.csv?table=summary&period=year&on={TODAY.isoformat()}"
    )
    assert _csv(response)[1][1] == "2"


def test_dashboard_query_count_does_not_grow_with_the_data(
    figures: Any, admin_a: Any, procedure: Any, django_assert_max_num_queries: Any
) -> None:
    client = logged_in(admin_a, HOST_A)
    client.get("/backoffice/statistiques/collectivite/")
    with django_assert_max_num_queries(22) as before:
        client.get("/backoffice/statistiques/collectivite/")
    for channel in ("web", "mail", "phone", "email"):
        for _ in range(3):
            make_case(procedure, received=FIRST, channel=channel, closed=TODAY, state=DeadlineState.CLOSED)
    refresh_daily_stats(start=FIRST, end=TODAY)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get("/backoffice/statistiques/collectivite/")


def test_public_page_is_404_until_the_commune_publishes_it(
    figures: Any, admin_a: Any, client_a: Any, territory: Any
) -> None:
    assert client_a.get("/statistiques/").status_code == 404
    assert client_a.get("/statistiques/donnees-ouvertes.csv").status_code == 404
    response = logged_in(admin_a, HOST_A).post("/backoffice/statistiques/publication/", {"public_stats_enabled": "on"})
    assert response.status_code == 302
    assert StatsSettings.objects.get(organisation=territory.commune_a).public_stats_enabled
    assert AuditEvent.objects.filter(action="stats.public_page_changed").count() == 1
    page = client_a.get("/statistiques/").content.decode()
    assert "demandes reçues" in page
    assert "Dominique Secret" not in page and "Claude Confidentiel" not in page
    assert "/backoffice/" not in page  # no drill-down links for the public
    logged_in(admin_a, HOST_A).post("/backoffice/statistiques/publication/", {})
    assert client_a.get("/statistiques/").status_code == 404


def test_elected_official_cannot_publish(figures: Any, elected: Any) -> None:
    assert (
        logged_in(elected, HOST_A)
        .post("/backoffice/statistiques/publication/", {"public_stats_enabled": "on"})
        .status_code
        == 403
    )


def test_open_data_hides_small_counts_and_names_nobody(
    figures: Any, territory: Any, client_a: Any, procedure: Any
) -> None:
    StatsSettings.objects.filter(organisation=territory.commune_a).update(public_stats_enabled=True)
    for _ in range(5):
        make_case(procedure, received=FIRST, channel="phone")
    refresh_daily_stats(start=FIRST, end=TODAY)
    rows = _csv(client_a.get("/statistiques/donnees-ouvertes.csv"))
    header, body = rows[0], rows[1:]
    assert header[:6] == ["code_insee", "collectivite", "mois", "demarche", "canal", "demandes_recues"]
    by_channel = {row[4]: row for row in body}
    assert by_channel["phone"][5] == "5"
    assert by_channel["web"][5] == ""  # 1 case: statistical secrecy
    text = "\n".join(";".join(row) for row in rows)
    assert "Dominique Secret" not in text and "Claude Confidentiel" not in text


def test_epci_administrator_sees_the_total_and_each_commune(territory: Any, epci_admin: Any, procedure: Any) -> None:
    procedure_b = published_procedure(territory.commune_b, slug="stats-b")
    make_case(procedure, received=FIRST)
    make_case(procedure_b, received=FIRST)
    make_case(procedure_b, received=FIRST)
    refresh_daily_stats(start=FIRST, end=TODAY)
    client = logged_in(epci_admin, HOST_EPCI)
    assert client.get("/backoffice/statistiques/collectivite/").status_code == 200
    rows = _csv(client.get("/backoffice/statistiques/collectivite/export.csv?table=organisation"))
    by_name = {row[0]: row[1] for row in rows[1:]}
    assert by_name == {"Commune A": "1", "Commune B": "2"}
    assert _csv(client.get("/backoffice/statistiques/collectivite/export.csv?table=summary"))[1][1] == "3"

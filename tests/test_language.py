"""The interface is French whatever language the browser prefers."""

import datetime as dt

from django.test import Client

from parvis.cases.services import submit_case
from tests.conftest import HOST_A
from tests.factories import published_procedure


def test_a_browser_preferring_english_still_gets_french_dates(territory, admin_a, citizen):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    case = submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Copie intégrale"},
        requester=citizen,
        requester_name="Camille Martin",
        requester_email=citizen.email,
        actor=citizen,
        received_at=dt.datetime(2026, 10, 5, 10, tzinfo=dt.UTC),
        notify=False,
    ).case
    client = Client(HTTP_HOST=HOST_A, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    client.force_login(citizen)
    page = client.get(f"/mon-espace/demandes/{case.reference}/").content.decode()
    assert "octobre 2026" in page and "October" not in page

"""Conformance with GeoReport v2 clients we did not write.

``georeport`` (PyPI, Apache-2.0) runs unchanged against a live server (pytest-django ``live_server``,
loopback only): it lists the services, reads a definition, and reads requests back. It cannot post
(its README: "does not currently support the creation of new 311 service requests"), so a second
client that can, ``civicbot``'s ``Open311Client`` (PyPI, Python 3; dry-run unless told
``confirm="SEND"``), validates its request against our live service list and posts it
(form-urlencoded, ``api_key``). Both clients then find it, and it is seen in the back office.
"""

from __future__ import annotations

import requests
from civicbot.open311 import Open311Client
from civicbot.registry import Endpoint
from georeport import GeoReport

from parvis.organisations.models import Hostname
from tests.conftest import logged_in
from tests.open311.helpers import token_for


def test_an_existing_open311_client_lists_services_and_a_posted_request_reaches_the_back_office(
    live_server, territory, category_a, admin_a
):
    # The client talks to 127.0.0.1: serve commune A there too (the jurisdiction is the hostname's).
    Hostname.objects.create(organisation=territory.commune_a, hostname="127.0.0.1")
    endpoint = f"{live_server.url.replace('localhost', '127.0.0.1')}/open311/v2"
    api_key = token_for(admin_a, territory.commune_a)

    for fmt in ("json", "xml"):
        client = GeoReport(endpoint, jurisdiction="commune-a", api_key=api_key, output_format=fmt)
        services = client.get_service_list()
        service = services if isinstance(services, dict) else services[0]  # xmltodict: one element, no list
        assert service["service_code"] == "nid-de-poule"
        assert service["service_name"] == "Nid de poule"
        definition = client.get_service_definition("nid-de-poule")
        assert definition["service_code"] == "nid-de-poule"

    poster = Open311Client(
        Endpoint(id="commune-a", name="Commune A", base_url=endpoint, write=True), jurisdiction_id="commune-a"
    )
    sent = poster.create_request(
        "nid-de-poule",
        dry_run=False,
        confirm="SEND",
        api_key=api_key,
        validate_remote=True,
        lat=45.0001,
        lng=5.0002,
        address_string="12 rue de la République",
        email="passant@example.org",
        first_name="Paul",
        last_name="Passant",
        description="Nid de poule dangereux pour les vélos",
    )
    service_request_id = sent.response[0]["service_request_id"]
    # Without the key, the same client is refused in the standard error format.
    refused = requests.post(f"{endpoint}/requests.json", data={"service_code": "nid-de-poule"}, timeout=10)
    assert refused.status_code == 403 and refused.json()[0]["code"] == 403

    client = GeoReport(endpoint, jurisdiction="commune-a", output_format="json")
    found = client.get_service_request(service_request_id)
    assert found["service_request_id"] == service_request_id
    assert found["status"] == "open"
    assert found["service_code"] == "nid-de-poule"
    assert "Paul" not in str(found) and "passant@example.org" not in str(found)
    listed = client.get_service_requests(service_code="nid-de-poule", status="open")
    assert [r["service_request_id"] for r in listed] == [service_request_id]
    xml_client = GeoReport(endpoint, jurisdiction="commune-a", output_format="xml")
    assert xml_client.get_service_request(service_request_id)["service_request_id"] == service_request_id

    # The back office: the request is a case of commune A, filed through the API channel.
    page = logged_in(admin_a, "commune-a.localhost").get(f"/backoffice/demandes/{service_request_id}/")
    assert page.status_code == 200
    assert "Nid de poule dangereux pour les vélos" in page.content.decode()

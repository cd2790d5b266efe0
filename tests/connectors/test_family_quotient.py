"""Dites-le-nous une fois (issue 6): the family quotient fetched from the CAF through API Particulier.

The API is a local double speaking its protocol (``parvis/connectors/double.py``) behind a real HTTP
server on loopback; the client is the production one.
"""

from __future__ import annotations

import http.server
import json
import re
import threading
import urllib.parse

import pytest
from django.urls import reverse

from parvis.connectors.double import answer
from parvis.connectors.enums import CallStatus
from parvis.connectors.models import ConnectorCall
from parvis.procedures.ready_catalogue import READY_CATALOGUE
from tests.conftest import HOST_A, logged_in
from tests.factories import published_procedure

PAGE = reverse("connectors:administrations")


class _Double(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        parts = urllib.parse.urlsplit(self.path)
        params = dict(urllib.parse.parse_qsl(parts.query))
        status, body = answer(parts.path, params, self.headers.get("X-Api-Key", ""))
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def api(settings):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Double)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.PARVIS_API_PARTICULIER_URL = f"http://127.0.0.1:{server.server_address[1]}/api-particulier"
    settings.PARVIS_API_PARTICULIER_TOKEN = "demo"
    yield server
    server.shutdown()
    server.server_close()


def test_the_resident_obtains_the_quotient_with_their_agreement_and_sees_the_exchange(territory, citizen, api):
    client = logged_in(citizen, HOST_A)
    refused = client.post(PAGE, {"numero_allocataire": "0000354", "code_postal": "99100"})
    assert refused.status_code == 400
    assert "Votre accord est nécessaire" in refused.content.decode() and 'value="0000354"' in refused.content.decode()
    bad = client.post(PAGE, {"numero_allocataire": "12", "code_postal": "99100", "consent": "on"})
    assert bad.status_code == 400 and "7 chiffres" in bad.content.decode()
    assert not ConnectorCall.objects.exists()

    response = client.post(
        PAGE, {"numero_allocataire": "0000 354", "code_postal": "99100", "consent": "on"}, follow=True
    )
    call = ConnectorCall.objects.get()
    assert call.status == CallStatus.OK and call.value == {"quotient": 732, "month": 10, "year": 2026}
    assert "L114-8" in call.legal_basis and "CNAF" in call.source and call.organisation == territory.commune_a
    page = response.content.decode()
    assert "732 €" in page and "Caisse d&#x27;allocations familiales" in page
    assert "732" in logged_in(citizen, HOST_A).get(reverse("privacy:export_json")).content.decode()


def test_unknown_beneficiary_and_outage_are_recorded_and_point_to_the_upload(territory, citizen, api):
    client = logged_in(citizen, HOST_A)
    unknown = client.post(PAGE, {"numero_allocataire": "1234567", "code_postal": "99100", "consent": "on"}, follow=True)
    assert "ne connaît pas ce numéro" in unknown.content.decode()
    outage = client.post(PAGE, {"numero_allocataire": "5555555", "code_postal": "99100", "consent": "on"}, follow=True)
    assert "ne répond pas" in outage.content.decode() and "attestation" in outage.content.decode()
    assert list(ConnectorCall.objects.order_by("pk").values_list("status", flat=True)) == [
        CallStatus.NOT_FOUND,
        CallStatus.UNAVAILABLE,
    ]


def test_a_wrong_token_is_an_outage_not_a_crash(territory, citizen, api, settings):
    settings.PARVIS_API_PARTICULIER_TOKEN = "mauvais"
    client = logged_in(citizen, HOST_A)
    client.post(PAGE, {"numero_allocataire": "0000354", "code_postal": "99100", "consent": "on"})
    assert ConnectorCall.objects.get().status == CallStatus.UNAVAILABLE


def test_without_configuration_the_service_is_not_offered(territory, citizen, settings):
    settings.PARVIS_API_PARTICULIER_URL = ""
    page = logged_in(citizen, HOST_A).get(PAGE).content.decode()
    assert "n'est pas proposé" in page or "n&#x27;est pas proposé" in page


def test_the_canteen_form_is_prefilled_with_the_quotient_obtained(territory, citizen, admin_a, api):
    spec = next(p for p in READY_CATALOGUE if p["slug"] == "inscription-restauration-scolaire")
    published_procedure(territory.commune_a, actor=admin_a, slug=spec["slug"], title=spec["title"], form=spec["form"])
    client = logged_in(citizen, HOST_A)
    before = client.get("/demarches/inscription-restauration-scolaire/formulaire/").content.decode()
    assert not re.search(r'name="quotient_familial"[^>]*value="732"', before)
    client.post(PAGE, {"numero_allocataire": "0000354", "code_postal": "99100", "consent": "on"})
    after = client.get("/demarches/inscription-restauration-scolaire/formulaire/").content.decode()
    assert re.search(r'name="quotient_familial"[^>]*value="732"', after) or re.search(
        r'value="732"[^>]*name="quotient_familial"', after
    )

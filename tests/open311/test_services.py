"""GET /services and /services/{code}: the commune's categories as GeoReport services, JSON and XML."""

from __future__ import annotations

from parvis.reports.models import ReportCategory
from tests.conftest import HOST_A, HOST_B
from tests.open311.helpers import receives_reports, xml


def test_the_services_list_gives_each_category_of_the_commune_and_of_its_epci_in_json(territory, category_a, client):
    ReportCategory.objects.create(organisation=territory.epci, code="depot-sauvage", label="Dépôt sauvage")
    ReportCategory.objects.create(organisation=territory.commune_b, code="lampadaire", label="Lampadaire")
    response = client.get("/open311/v2/services.json", HTTP_HOST=HOST_A)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    services = {s["service_code"]: s for s in response.json()}
    assert set(services) == {"nid-de-poule", "depot-sauvage"}
    assert services["nid-de-poule"] == {
        "service_code": "nid-de-poule",
        "service_name": "Nid de poule",
        "description": "Chaussée ou trottoir abîmé",
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": "Voirie",
    }


def test_the_services_list_in_xml_uses_the_spec_elements(territory, category_a, client):
    root = xml(client.get("/open311/v2/services.xml", HTTP_HOST=HOST_A))
    assert root.tag == "services"
    service = root.find("service")
    assert service is not None
    assert service.findtext("service_code") == "nid-de-poule"
    assert service.findtext("service_name") == "Nid de poule"
    assert service.findtext("metadata") == "false"
    assert service.findtext("type") == "realtime"
    assert service.findtext("group") == "Voirie"


def test_an_inactive_category_is_not_offered(territory, category_a, client):
    category_a.is_active = False
    category_a.save()
    assert client.get("/open311/v2/services.json", HTTP_HOST=HOST_A).json() == []


def test_a_service_definition_lists_no_attribute_when_the_category_asks_nothing_more(territory, category_a, client):
    response = client.get("/open311/v2/services/nid-de-poule.json", HTTP_HOST=HOST_A)
    assert response.status_code == 200
    assert response.json() == {"service_code": "nid-de-poule", "attributes": []}
    root = xml(client.get("/open311/v2/services/nid-de-poule.xml", HTTP_HOST=HOST_A))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "nid-de-poule"
    assert root.find("attributes") is not None


def test_an_unknown_service_is_a_404_in_the_standard_error_format(territory, category_a, client):
    response = client.get("/open311/v2/services/inconnu.json", HTTP_HOST=HOST_A)
    assert response.status_code == 404
    [error] = response.json()
    assert error["code"] == 404 and "inconnu" in error["description"]
    response = client.get("/open311/v2/services/inconnu.xml", HTTP_HOST=HOST_A)
    assert response.status_code == 404
    root = xml(response)
    assert root.tag == "errors"
    assert root.find("error/code").text == "404"
    assert root.find("error/description").text


def test_another_communes_service_does_not_exist_here(territory, category_a, client):
    receives_reports(territory.commune_b, code="lampadaire", label="Lampadaire")
    assert client.get("/open311/v2/services/lampadaire.json", HTTP_HOST=HOST_A).status_code == 404
    assert client.get("/open311/v2/services/nid-de-poule.json", HTTP_HOST=HOST_B).status_code == 404


def test_a_jurisdiction_id_must_name_the_commune_served_here(territory, category_a, client):
    ok = client.get("/open311/v2/services.json", {"jurisdiction_id": "commune-a"}, HTTP_HOST=HOST_A)
    assert ok.status_code == 200
    by_host = client.get("/open311/v2/services.json", {"jurisdiction_id": HOST_A}, HTTP_HOST=HOST_A)
    assert by_host.status_code == 200
    wrong = client.get("/open311/v2/services.json", {"jurisdiction_id": "commune-b"}, HTTP_HOST=HOST_A)
    assert wrong.status_code == 400
    assert "commune-a" in wrong.json()[0]["description"]


def test_an_unknown_hostname_serves_no_jurisdiction(db, client):
    response = client.get("/open311/v2/services.xml", HTTP_HOST="inconnue.localhost")
    assert response.status_code == 404
    assert xml(response).tag == "errors"

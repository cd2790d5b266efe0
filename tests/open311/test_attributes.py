"""A category with extra questions: metadata true, attributes in the definition, attribute[code] on POST."""

from __future__ import annotations

import pytest

from parvis.open311 import queries
from parvis.reports.models import Report
from tests.conftest import HOST_A
from tests.open311.helpers import token_for, xml

QUESTIONS = [
    {"code": "danger", "label": "Danger immédiat ?", "required": True, "choices": [["oui", "Oui"], ["non", "Non"]]},
    {
        "code": "taille",
        "label": "Taille",
        "type": "multivaluelist",
        "choices": [["petit", "Petit"], ["grand", "Grand"]],
    },
]


@pytest.fixture
def with_questions(monkeypatch, category_a):
    real = queries.attributes_for

    def attributes(category):
        category.questions = QUESTIONS
        return real(category)

    monkeypatch.setattr(queries, "attributes_for", attributes)
    return category_a


def test_the_definition_lists_the_questions_as_attributes_in_json_and_xml(territory, with_questions, client):
    [service] = client.get("/open311/v2/services.json", HTTP_HOST=HOST_A).json()
    assert service["metadata"] is True
    definition = client.get("/open311/v2/services/nid-de-poule.json", HTTP_HOST=HOST_A).json()
    danger, size = definition["attributes"]
    assert danger == {
        "variable": True,
        "code": "danger",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": "",
        "order": 1,
        "description": "Danger immédiat ?",
        "values": [{"key": "oui", "name": "Oui"}, {"key": "non", "name": "Non"}],
    }
    assert size["datatype"] == "multivaluelist" and size["order"] == 2
    root = xml(client.get("/open311/v2/services/nid-de-poule.xml", HTTP_HOST=HOST_A))
    attribute = root.find("attributes/attribute")
    assert attribute.findtext("code") == "danger"
    assert attribute.findtext("required") == "true"
    assert [v.findtext("key") for v in attribute.findall("values/value")] == ["oui", "non"]


def test_posted_attributes_are_checked_and_kept_in_the_description(territory, with_questions, agent_a, client):
    key = token_for(agent_a, territory.commune_a)
    base = {"api_key": key, "service_code": "nid-de-poule", "lat": "45", "long": "5", "email": "a@example.org"}
    missing = client.post("/open311/v2/requests.json", base, HTTP_HOST=HOST_A)
    assert missing.status_code == 400 and "attribute[danger]" in missing.json()[0]["description"]
    bad = client.post("/open311/v2/requests.json", {**base, "attribute[danger]": "peut-etre"}, HTTP_HOST=HOST_A)
    assert bad.status_code == 400
    ok = client.post(
        "/open311/v2/requests.json",
        {**base, "attribute[danger]": "oui", "attribute[taille][]": ["petit", "grand"]},
        HTTP_HOST=HOST_A,
    )
    assert ok.status_code == 201, ok.content
    description = Report.objects.get().description
    assert "Danger immédiat ? : Oui" in description and "Taille : Petit, Grand" in description

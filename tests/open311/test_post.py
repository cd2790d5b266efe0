"""POST /requests: a client with the commune's API key files a street report (form-urlencoded)."""

from __future__ import annotations

import pytest

from parvis.accounts.enums import Role
from parvis.cases.enums import Channel
from parvis.reports.models import Report
from tests.conftest import HOST_A
from tests.factories import MembershipFactory, UserFactory
from tests.open311.helpers import token_for, xml

URL = "/open311/v2/requests.json"


@pytest.fixture
def api_key(territory, agent_a):
    return token_for(agent_a, territory.commune_a)


def _post(client, data, url=URL, host=HOST_A):
    return client.post(url, data, HTTP_HOST=host)


def test_a_request_posted_with_the_api_key_becomes_a_report_whose_id_is_the_case_reference(
    territory, category_a, api_key, client
):
    response = _post(
        client,
        {
            "api_key": api_key,
            "service_code": "nid-de-poule",
            "lat": "45.0001",
            "long": "5.0002",
            "description": "Nid de poule profond",
            "first_name": "Jean",
            "last_name": "Passant",
            "email": "jean.passant@example.org",
            "phone": "0600000000",
        },
    )
    assert response.status_code == 201, response.content
    [answer] = response.json()
    report = Report.objects.select_related("case").get()
    assert answer["service_request_id"] == report.case.reference
    assert answer["service_notice"] == "Délai d'intervention annoncé : 10 jours."
    assert answer["account_id"] == ""  # an agent's key files for someone else: no account of his
    assert report.case.channel == Channel.API
    assert report.case.requester_email == "jean.passant@example.org"
    assert report.case.requester_name == "Jean Passant"
    assert str(report.latitude) == "45.000100"
    assert report.category == category_a


def test_a_post_by_address_string_in_xml(territory, category_a, api_key, client):
    response = _post(
        client,
        {
            "api_key": api_key,
            "service_code": "nid-de-poule",
            "address_string": "3 place de la Mairie",
            "email": "a@example.org",
            "description": "Trou",
        },
        url="/open311/v2/requests.xml",
    )
    assert response.status_code == 201
    root = xml(response)
    assert root.tag == "service_requests"
    reference = root.findtext("request/service_request_id")
    assert Report.objects.get(case__reference=reference).address == "3 place de la Mairie"
    assert root.find("request/service_notice") is not None


def test_a_residents_own_token_files_in_his_name_and_gives_his_account_id(territory, category_a, citizen, client):
    key = token_for(citizen, territory.commune_a)
    response = _post(client, {"api_key": key, "service_code": "nid-de-poule", "lat": "45", "long": "5"})
    assert response.status_code == 201
    [answer] = response.json()
    assert answer["account_id"] == str(citizen.pk)
    report = Report.objects.get(case__reference=answer["service_request_id"])
    assert report.case.requester == citizen
    assert report.description == "Nid de poule"  # no description: the category's name


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_without_an_api_key_posting_is_refused_with_403_in_the_standard_format(territory, category_a, client, fmt):
    response = _post(
        client, {"service_code": "nid-de-poule", "lat": "45", "long": "5"}, url=f"/open311/v2/requests.{fmt}"
    )
    assert response.status_code == 403
    if fmt == "json":
        assert response.json()[0]["code"] == 403
        assert "api_key" in response.json()[0]["description"]
    else:
        assert xml(response).findtext("error/code") == "403"
    assert not Report.objects.exists()


def test_a_wrong_revoked_or_other_communes_key_is_refused_with_403(territory, category_a, client):
    base = {"service_code": "nid-de-poule", "lat": "45", "long": "5"}
    assert _post(client, {**base, "api_key": "pvs_000000000000_nope-nope-nope-nope-nope"}).status_code == 403
    agent_b = UserFactory(email="b@commune-b.test")
    MembershipFactory(user=agent_b, organisation=territory.commune_b, role=Role.BACK_OFFICE)
    key_b = token_for(agent_b, territory.commune_b)
    refused = _post(client, {**base, "api_key": key_b})
    assert refused.status_code == 403
    assert "Commune B" in refused.json()[0]["description"]
    assert not Report.objects.exists()


def test_a_key_without_the_right_to_submit_is_refused(territory, category_a, agent_a, client):
    key = token_for(agent_a, territory.commune_a, scopes=("cases:read",))
    response = _post(client, {"api_key": key, "service_code": "nid-de-poule", "lat": "45", "long": "5"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"lat": "45", "long": "5"}, "service_code"),
        ({"service_code": "inconnu", "lat": "45", "long": "5"}, "inconnu"),
        ({"service_code": "nid-de-poule"}, "Lieu"),
        ({"service_code": "nid-de-poule", "lat": "45"}, "lat et long"),
        ({"service_code": "nid-de-poule", "lat": "abc", "long": "5"}, "lat"),
        ({"service_code": "nid-de-poule", "lat": "95", "long": "5"}, "lat"),
        ({"service_code": "nid-de-poule", "lat": "45", "long": "5", "description": "x" * 4001}, "4000"),
        ({"service_code": "nid-de-poule", "lat": "45", "long": "5", "description": "<b>trou</b>"}, "HTML"),
        ({"service_code": "nid-de-poule", "lat": "45", "long": "5", "email": "pas-un-courriel"}, "email"),
        ({"service_code": "nid-de-poule", "lat": "45", "long": "5", "media_url": "ftp://x"}, "media_url"),
        ({"service_code": "nid-de-poule", "lat": "45", "long": "5", "attribute[profondeur]": "10"}, "attribute"),
    ],
)
def test_bad_input_is_a_400_saying_which_field(territory, category_a, api_key, client, data, expected):
    response = _post(client, {"api_key": api_key, **data})
    assert response.status_code == 400, response.content
    [error] = response.json()
    assert error["code"] == 400
    assert expected in error["description"]
    assert not Report.objects.exists()


def test_a_description_of_exactly_4000_characters_and_a_media_url_are_accepted(territory, category_a, api_key, client):
    response = _post(
        client,
        {
            "api_key": api_key,
            "service_code": "nid-de-poule",
            "lat": "45",
            "long": "5",
            "email": "a@example.org",
            "description": "x" * 4000,
            "media_url": "https://photos.example.org/trou.jpg",
        },
    )
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.description.startswith("x" * 4000)
    assert "https://photos.example.org/trou.jpg" in report.description


def test_the_post_needs_no_csrf_token(territory, category_a, api_key):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = _post(
        client, {"api_key": api_key, "service_code": "nid-de-poule", "lat": "45", "long": "5", "email": "a@b.fr"}
    )
    assert response.status_code == 201

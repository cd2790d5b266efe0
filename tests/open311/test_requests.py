"""GET /requests and /requests/{id}: filters, the 90-day rule, both formats, and never a person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from parvis.cases.models import Case
from parvis.reports.enums import Moderation
from parvis.reports.models import Report
from tests.conftest import HOST_A, HOST_B
from tests.open311.helpers import (
    RAW_DESCRIPTION,
    REPORTER_EMAIL,
    REPORTER_NAME,
    REPORTER_PHONE,
    a_report,
    receives_reports,
    xml,
)

URL = "/open311/v2/requests.json"


def _aged(report, days):
    Case.objects.filter(pk=report.case_id).update(submitted_at=timezone.now() - dt.timedelta(days=days))
    report.case.refresh_from_db()
    return report


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["service_request_id"] for row in response.json()}


def test_the_list_gives_the_spec_fields_with_iso_datetimes_carrying_their_offset(territory, category_a, client):
    report = a_report(territory.commune_a, category_a)
    [row] = client.get(URL, HTTP_HOST=HOST_A).json()
    assert row["service_request_id"] == report.case.reference
    assert row["status"] == "open"
    assert row["service_code"] == "nid-de-poule"
    assert row["service_name"] == "Nid de poule"
    assert row["agency_responsible"] == "Voirie Commune A — Commune A"
    assert row["service_notice"] == "Délai d'intervention annoncé : 10 jours."
    assert row["lat"] == 45.0 and row["long"] == 5.0
    assert row["address"].startswith("12 rue de la République")
    assert row["zipcode"] == "38000"
    assert row["status_notes"] == report.case.status_label
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        parsed = dt.datetime.fromisoformat(row[field])
        assert parsed.tzinfo is not None, field
    expected = dt.datetime.fromisoformat(row["expected_datetime"]) - dt.datetime.fromisoformat(
        row["requested_datetime"]
    )
    assert expected == dt.timedelta(days=10)


def test_the_list_in_xml(territory, category_a, client):
    report = a_report(territory.commune_a, category_a)
    root = xml(client.get("/open311/v2/requests.xml", HTTP_HOST=HOST_A))
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request.findtext("service_request_id") == report.case.reference
    assert request.findtext("status") == "open"
    assert request.findtext("lat") == "45"
    assert "+" in request.findtext("requested_datetime") or request.findtext("requested_datetime").endswith("Z")


@pytest.mark.parametrize("url", [URL, "/open311/v2/requests.xml"])
def test_no_personal_data_is_ever_shown(territory, category_a, client, url):
    report = a_report(territory.commune_a, category_a)
    one = url.replace("requests.", f"requests/{report.case.reference}.")
    for address in (url, one):
        body = client.get(address, HTTP_HOST=HOST_A).content.decode()
        for secret in (REPORTER_NAME, REPORTER_EMAIL, REPORTER_PHONE, RAW_DESCRIPTION, "Rémi"):
            assert secret not in body, (address, secret)


def test_the_moderated_text_is_shown_once_the_report_is_approved_for_publication(territory, category_a, client):
    report = a_report(territory.commune_a, category_a)
    Report.objects.filter(pk=report.pk).update(moderation=Moderation.APPROVED, public_description="Trou en chaussée")
    [row] = client.get(URL, HTTP_HOST=HOST_A).json()
    assert row["description"] == "Trou en chaussée"
    Report.objects.filter(pk=report.pk).update(moderation=Moderation.REJECTED)
    [row] = client.get(URL, HTTP_HOST=HOST_A).json()
    assert row["description"] == ""


def test_without_dates_the_list_covers_the_last_90_days(territory, category_a, client):
    recent = a_report(territory.commune_a, category_a)
    old = _aged(a_report(territory.commune_a, category_a), 100)
    assert _ids(client.get(URL, HTTP_HOST=HOST_A)) == {recent.case.reference}
    window = {"start_date": (timezone.now() - dt.timedelta(days=120)).isoformat(), "end_date": ""}
    assert _ids(client.get(URL, window, HTTP_HOST=HOST_A)) == {old.case.reference}  # start + 90 days


def test_a_span_longer_than_90_days_is_refused(territory, category_a, client):
    response = client.get(
        URL, {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, HTTP_HOST=HOST_A
    )
    assert response.status_code == 400
    assert "90 jours" in response.json()[0]["description"]
    assert (
        client.get(
            URL, {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-03-31T00:00:00Z"}, HTTP_HOST=HOST_A
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "hier"},
        {"end_date": "2026-13-45"},
        {"start_date": "2026-03-01", "end_date": "2026-02-01"},
        {"status": "pending"},
    ],
)
def test_bad_filters_are_a_400(territory, client, query):
    for fmt in ("json", "xml"):
        response = client.get(f"/open311/v2/requests.{fmt}", query, HTTP_HOST=HOST_A)
        assert response.status_code == 400


def test_dates_filter_on_the_requested_datetime_and_accept_w3c_formats(territory, category_a, client):
    old = _aged(a_report(territory.commune_a, category_a), 30)
    a_report(territory.commune_a, category_a)
    day = timezone.localtime(old.case.submitted_at).date()
    query = {"start_date": f"{day}T00:00:00Z", "end_date": f"{day + dt.timedelta(days=1)}T00:00:00+01:00"}
    assert _ids(client.get(URL, query, HTTP_HOST=HOST_A)) == {old.case.reference}
    assert _ids(client.get(URL, {"start_date": str(day), "end_date": str(day)}, HTTP_HOST=HOST_A)) == {
        old.case.reference
    }


def test_status_and_service_code_filter(territory, category_a, client):
    from parvis.reports.models import ReportCategory

    lamp = ReportCategory.objects.create(organisation=territory.commune_a, code="lampadaire", label="Lampadaire")
    pothole = a_report(territory.commune_a, category_a)
    light = a_report(territory.commune_a, lamp)
    Case.objects.filter(pk=light.case_id).update(is_open=False)
    assert _ids(client.get(URL, {"status": "open"}, HTTP_HOST=HOST_A)) == {pothole.case.reference}
    assert _ids(client.get(URL, {"status": "closed"}, HTTP_HOST=HOST_A)) == {light.case.reference}
    assert len(_ids(client.get(URL, {"status": "open,closed"}, HTTP_HOST=HOST_A))) == 2
    assert _ids(client.get(URL, {"service_code": "lampadaire"}, HTTP_HOST=HOST_A)) == {light.case.reference}
    assert len(_ids(client.get(URL, {"service_code": "lampadaire,nid-de-poule"}, HTTP_HOST=HOST_A))) == 2
    [row] = [r for r in client.get(URL, HTTP_HOST=HOST_A).json() if r["status"] == "closed"]
    assert row["expected_datetime"] is None


def test_service_request_ids_override_every_other_filter(territory, category_a, client):
    old = _aged(a_report(territory.commune_a, category_a), 200)
    other = a_report(territory.commune_a, category_a)
    query = {"service_request_id": f"{old.case.reference}, {other.case.reference}", "status": "closed"}
    assert _ids(client.get(URL, query, HTTP_HOST=HOST_A)) == {old.case.reference, other.case.reference}


def test_one_request_in_json_and_xml(territory, category_a, client):
    report = a_report(territory.commune_a, category_a)
    reference = report.case.reference
    response = client.get(f"/open311/v2/requests/{reference}.json", HTTP_HOST=HOST_A)
    assert response.status_code == 200
    [row] = response.json()
    assert row["service_request_id"] == reference
    root = xml(client.get(f"/open311/v2/requests/{reference}.xml", HTTP_HOST=HOST_A))
    assert root.findtext("request/service_request_id") == reference


def test_an_unknown_request_or_another_communes_request_is_a_404(territory, category_a, client):
    report = a_report(territory.commune_a, category_a)
    receives_reports(territory.commune_b)
    assert client.get("/open311/v2/requests/NOPE-1.json", HTTP_HOST=HOST_A).status_code == 404
    response = client.get(f"/open311/v2/requests/{report.case.reference}.xml", HTTP_HOST=HOST_B)
    assert response.status_code == 404
    assert xml(response).findtext("error/code") == "404"
    assert _ids(client.get(URL, HTTP_HOST=HOST_B)) == set()


def test_the_list_runs_a_bounded_number_of_queries(territory, category_a, client, django_assert_max_num_queries):
    for _ in range(5):
        a_report(territory.commune_a, category_a)
    with django_assert_max_num_queries(8):
        assert len(_ids(client.get(URL, HTTP_HOST=HOST_A))) == 5

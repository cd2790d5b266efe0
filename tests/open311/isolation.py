"""How to visit every Open311 URL (see tests/isolation.py).

Open311 reading is public by design (GeoReport v2), without personal data; the commune is the
hostname's: from commune B's hostname, commune A's services and requests do not exist (404).
POST /requests (same URL names) needs an API key: see tests/open311/test_post.py.
"""

from __future__ import annotations

from typing import Any

from tests.isolation import Built, UrlCase
from tests.open311.helpers import a_report, receives_reports


def _category(territory: Any) -> Built:
    receives_reports(territory.commune_a, code="nid-de-poule-a")
    return Built(kwargs={"code": "nid-de-poule-a"})


def _report(territory: Any) -> Built:
    category = receives_reports(territory.commune_a)
    report = a_report(territory.commune_a, category)
    return Built(kwargs={"request_id": report.case.reference})


def _listed(territory: Any) -> Built:
    a_report(territory.commune_a, receives_reports(territory.commune_a))
    return Built()


CASES = [
    UrlCase("open311:services", "public", build=_listed),
    UrlCase("open311:services_xml", "public", build=_listed),
    UrlCase("open311:service", "public", build=_category),
    UrlCase("open311:service_xml", "public", build=_category),
    UrlCase("open311:requests", "public", build=_listed),
    UrlCase("open311:requests_xml", "public", build=_listed),
    UrlCase("open311:request", "public", build=_report),
    UrlCase("open311:request_xml", "public", build=_report),
]

"""Open311 test helpers: a commune that receives street reports, a category, a report, an API token."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from parvis.api.services import issue_token
from parvis.reports.models import ReportCategory
from parvis.reports.services import create_report
from tests.factories import DepartmentFactory, published_procedure

REPORTER_NAME = "Rémi Riverain"
REPORTER_EMAIL = "remi.riverain@example.org"
REPORTER_PHONE = "0611223344"
RAW_DESCRIPTION = "Trou devant chez moi, appelez Rémi au 06 11 22 33 44"


def receives_reports(organisation: Any, *, code: str = "nid-de-poule", label: str = "Nid de poule") -> ReportCategory:
    """The report procedure (ready catalogue slug) and one category handled by a voirie department."""
    from parvis.procedures.workflow import intervention_workflow

    published_procedure(
        organisation,
        title="Signaler un problème sur l'espace public",
        slug="signalement-espace-public",
        workflow=intervention_workflow(),
    )
    voirie = DepartmentFactory(organisation=organisation, name=f"Voirie {organisation.name}", slug="voirie")
    return ReportCategory.objects.create(
        organisation=organisation,
        code=code,
        label=label,
        description="Chaussée ou trottoir abîmé",
        group="Voirie",
        department=voirie,
        expected_days=10,
    )


def a_report(organisation: Any, category: ReportCategory, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "organisation": organisation,
        "category": category,
        "description": RAW_DESCRIPTION,
        "latitude": 45.0,
        "longitude": 5.0,
        "address": "12 rue de la République, 38000 Commune",
        "email": REPORTER_EMAIL,
        "phone": REPORTER_PHONE,
        "reporter_name": REPORTER_NAME,
        "actor": None,
    }
    values.update(overrides)
    return create_report(**values)


def token_for(user: Any, organisation: Any, scopes: tuple[str, ...] = ("cases:submit",)) -> str:
    return issue_token(user=user, organisation=organisation, scopes=scopes, name="Open311", actor=None).secret


def xml(response: Any) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    return ET.fromstring(response.content)  # noqa: S314 - our own test server's answer

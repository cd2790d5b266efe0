"""Helpers for report tests: a report procedure, categories, square boundaries for communes A and B."""

from __future__ import annotations

from typing import Any

from parvis.reports.enums import Competence
from parvis.reports.models import Boundary, ReportCategory
from parvis.reports.services import create_report
from tests.factories import DepartmentFactory, published_procedure

# Commune A: a square around (45.00, 5.00); commune B: just east of it, around (45.00, 5.02).
SQUARE_A = [[4.99, 44.99], [5.01, 44.99], [5.01, 45.01], [4.99, 45.01], [4.99, 44.99]]
SQUARE_B = [[5.01, 44.99], [5.03, 44.99], [5.03, 45.01], [5.01, 45.01]]
IN_A = (45.0, 5.0)
IN_B = (45.0, 5.02)
OUTSIDE = (46.0, 6.0)


def report_procedure(organisation: Any) -> Any:
    from parvis.procedures.workflow import intervention_workflow

    return published_procedure(
        organisation,
        title="Signaler un problème sur l'espace public",
        slug="signalement-espace-public",
        workflow=intervention_workflow(),
    )


def category(organisation: Any, *, code: str = "nid-de-poule", label: str = "Nid de poule", **extra: Any) -> Any:
    return ReportCategory.objects.create(organisation=organisation, code=code, label=label, **extra)


def setup_reports(territory: Any) -> dict[str, Any]:
    """Both communes receive reports (a procedure each), have a voirie department, boundaries and categories;
    the EPCI has an EPCI-competence category (dépôt sauvage) and its own procedure."""
    voirie_a = DepartmentFactory(organisation=territory.commune_a, name="Voirie A", slug="voirie")
    voirie_b = DepartmentFactory(organisation=territory.commune_b, name="Voirie B", slug="voirie")
    dechets = DepartmentFactory(organisation=territory.epci, name="Déchets", slug="collecte-dechets")
    Boundary.objects.create(organisation=territory.commune_a, polygon=SQUARE_A)
    Boundary.objects.create(organisation=territory.commune_b, polygon=SQUARE_B)
    return {
        "procedure_a": report_procedure(territory.commune_a),
        "procedure_b": report_procedure(territory.commune_b),
        "procedure_epci": report_procedure(territory.epci),
        "voirie_a": voirie_a,
        "voirie_b": voirie_b,
        "dechets": dechets,
        "pothole_a": category(territory.commune_a, department=voirie_a),
        "pothole_b": category(territory.commune_b, department=voirie_b),
        "dumping": category(
            territory.epci,
            code="depot-sauvage",
            label="Dépôt sauvage",
            competence=Competence.EPCI,
            department=dechets,
        ),
    }


def a_report(territory: Any, setup: dict[str, Any], **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "organisation": territory.commune_a,
        "category": setup["pothole_a"],
        "description": "Un trou profond au milieu de la chaussée",
        "latitude": IN_A[0],
        "longitude": IN_A[1],
        "address": "12 rue de la République",
        "email": "riverain@example.org",
        "reporter_name": "Rémi Riverain",
        "actor": None,
    }
    values.update(overrides)
    return create_report(**values)

"""How to visit every URL of the stats app (see tests/isolation.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from parvis.legal.clock import paris_today
from parvis.stats.models import StatsSettings
from parvis.stats.services import refresh_daily_stats
from tests.factories import published_procedure
from tests.isolation import Built, UrlCase
from tests.stats.helpers import make_case

PROCEDURE_A = "Démarche statistique propre à A"


def _figures_of_a(territory: Any) -> None:
    procedure = published_procedure(
        territory.commune_a,
        actor=territory.admin_a,
        department=territory.department_a,
        title=PROCEDURE_A,
        slug="stats-iso",
    )
    today = paris_today()
    make_case(procedure, received=today, requester_name="Personne Secrète")
    refresh_daily_stats(organisation=territory.commune_a, start=today - dt.timedelta(days=3), end=today)


def _dashboard(territory: Any) -> Built:
    _figures_of_a(territory)
    return Built(marker=PROCEDURE_A)


def _department(territory: Any) -> Built:
    _figures_of_a(territory)
    return Built(kwargs={"pk": territory.department_a.pk}, marker=PROCEDURE_A)


def _department_csv(territory: Any) -> Built:
    _figures_of_a(territory)
    return Built(kwargs={"pk": territory.department_a.pk}, marker=PROCEDURE_A, query="table=procedure")


def _export(territory: Any) -> Built:
    _figures_of_a(territory)
    return Built(marker=PROCEDURE_A, query="table=procedure")


def _published(territory: Any) -> Built:
    _figures_of_a(territory)
    StatsSettings.objects.update_or_create(organisation=territory.commune_a, defaults={"public_stats_enabled": True})
    return Built(marker=PROCEDURE_A)


CASES = [
    UrlCase("stats:home", "agent", build=_dashboard, redirect=True, note="managers → dashboard, agents → department"),
    UrlCase("stats:dashboard", "admin", build=_dashboard, note="elected officials too: test_views.py"),
    UrlCase("stats:export", "admin", build=_export),
    UrlCase("stats:department", "agent", build=_department, note="other departments' agents: 403 (test_views.py)"),
    UrlCase("stats:department_export", "agent", build=_department_csv),
    UrlCase("stats:publication", "admin"),
    UrlCase("stats:publication", "admin", method="post", data={"public_stats_enabled": "on"}),
    UrlCase("stats:public", "public", build=_published, note="404 unless published: test_views.py"),
    UrlCase("stats:open_data", "public", build=_published),
]

"""How to visit every URL of the stats app (see tests/isolation.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from parvis.legal.clock import paris_today
from parvis.stats.enums import ExportKind, ExportStatus
from parvis.stats.models import Export, StatsSettings
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


EXPORT_TITLE = "Demandes en retard de la commune A (export isolé)"


def _export_of_a(territory: Any) -> Built:
    from django.core.files.base import ContentFile

    export = Export.objects.create(
        organisation=territory.commune_a,
        requested_by=territory.agent_a,
        kind=ExportKind.CASES,
        params={"list": "late"},
        format="csv",
        status=ExportStatus.READY,
        title=EXPORT_TITLE,
        filename="demandes.csv",
        rows_done=1,
        rows_total=1,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    export.file.save("demandes.csv", ContentFile(f"Référence\n{EXPORT_TITLE}\n".encode()))
    return Built(kwargs={"pk": export.pk}, marker=EXPORT_TITLE)


def _exports(territory: Any) -> Built:
    _export_of_a(territory)
    return Built(marker=EXPORT_TITLE)


def _published(territory: Any) -> Built:
    _figures_of_a(territory)
    StatsSettings.objects.update_or_create(organisation=territory.commune_a, defaults={"public_stats_enabled": True})
    return Built(marker=PROCEDURE_A)


CASES = [
    UrlCase("stats:home", "agent", build=_dashboard, redirect=True, note="managers → dashboard, agents → department"),
    UrlCase("stats:dashboard", "admin", build=_dashboard, note="elected officials too: test_views.py"),
    UrlCase("stats:export", "admin", build=_export),
    UrlCase("stats:export_ods", "admin", build=_export, note="zipped: the marker is checked in test_exports.py"),
    UrlCase("stats:department", "agent", build=_department, note="other departments' agents: 403 (test_views.py)"),
    UrlCase("stats:department_export", "agent", build=_department_csv),
    UrlCase("stats:department_export_ods", "agent", build=lambda t: Built(kwargs=_department_csv(t).kwargs)),
    UrlCase(
        "stats:case_export",
        "admin",
        method="post",
        data={"list": "late", "format": "csv"},
        note="from a department's dashboard (scope_department) its agents too: test_exports.py",
    ),
    UrlCase("stats:exports", "agent", build=_exports, note="an agent sees their own exports, an admin all"),
    UrlCase("stats:export_detail", "agent", build=_export_of_a, note="another agent's export: 403 (test_exports.py)"),
    UrlCase("stats:export_download", "agent", build=_export_of_a),
    UrlCase("stats:publication", "admin"),
    UrlCase("stats:publication", "admin", method="post", data={"public_stats_enabled": "on"}),
    UrlCase("stats:public", "public", build=_published, note="404 unless published: test_views.py"),
    UrlCase("stats:open_data", "public", build=_published),
]

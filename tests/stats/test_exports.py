"""ODS exports of the dashboards' tables (read back with odfpy), and the lists of cases behind a figure:
at once when short, built by the worker when long (progress, notification, access check, expiry)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow

from parvis.accounts.enums import Role
from parvis.audit.models import AuditEvent
from parvis.legal.clock import paris_today
from parvis.legal.enums import DeadlineState
from parvis.notifications.models import OutboundMessage
from parvis.stats.enums import ExportStatus
from parvis.stats.models import Export
from parvis.stats.services import delete_expired_exports, refresh_daily_stats, run_export
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory, published_procedure
from tests.stats.helpers import make_case

TODAY = paris_today()
FIRST = TODAY.replace(day=1)
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def read_ods(content: bytes) -> dict[str, list[list[tuple[str | None, str | None, str]]]]:
    """Sheet name → rows of (value type, value or date, displayed text)."""
    document = load(io.BytesIO(content))
    sheets = {}
    for table in document.spreadsheet.getElementsByType(Table):
        rows = []
        for row in table.getElementsByType(TableRow):
            rows.append(
                [
                    (
                        cell.getAttribute("valuetype"),
                        cell.getAttribute("value") or cell.getAttribute("datevalue"),
                        str(cell),
                    )
                    for cell in row.getElementsByType(TableCell)
                ]
            )
        sheets[table.getAttribute("name")] = rows
    return sheets


def late(procedure: Any, *, requester_name: str = "Dominique Secret", days: int = 5) -> Any:
    return make_case(
        procedure,
        received=TODAY - dt.timedelta(days=40),
        state=DeadlineState.RUNNING,
        last_day=TODAY - dt.timedelta(days=days),
        requester_name=requester_name,
    )


@pytest.fixture
def figures(territory: Any, procedure: Any) -> list[Any]:
    cases = [late(procedure), late(procedure, days=2), late(procedure, days=1)]
    make_case(
        procedure,
        received=FIRST,
        channel="counter",
        closed=TODAY,
        state=DeadlineState.DECIDED,
        last_day=TODAY,
        decided=TODAY,
    )
    refresh_daily_stats(start=FIRST - dt.timedelta(days=60), end=TODAY)
    return cases


@pytest.fixture
def elected(territory: Any) -> Any:
    user = UserFactory(email="elu@commune-a.test")
    MembershipFactory(user=user, organisation=territory.commune_a, role=Role.ELECTED)
    return user


def test_a_table_is_downloaded_as_ods_with_a_header_and_numbers_as_numbers(
    figures: Any, admin_a: Any, procedure: Any
) -> None:
    response = logged_in(admin_a, HOST_A).get("/backoffice/statistiques/collectivite/export.ods?table=procedure")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert f"-procedure-{FIRST.isoformat()}-" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('.ods"')
    sheets = read_ods(response.content)
    assert list(sheets) == ["Par démarche"]
    header, row = sheets["Par démarche"]
    assert [text for _, _, text in header[:3]] == ["Démarche", "Reçues", "Closes"]
    assert {kind for kind, _, _ in header} == {"string"}
    assert row[0] == ("string", None, procedure.title)
    # 1 received this month (the closed one), 1 closed, 3 open and late now.
    assert row[1:5] == [("float", "1", "1"), ("float", "1", "1"), ("float", "3", "3"), ("float", "3", "3")]
    assert ("percentage", "1.0", "100,0 %") in row  # decided within the delay: 1 / 1


def test_the_csv_and_the_ods_of_a_table_hold_the_same_figures(figures: Any, admin_a: Any) -> None:
    client = logged_in(admin_a, HOST_A)
    text = client.get("/backoffice/statistiques/collectivite/export.csv?table=channel").content.decode("utf-8-sig")
    csv_rows = [line.split(";") for line in text.strip().splitlines()]
    ods_rows = read_ods(client.get("/backoffice/statistiques/collectivite/export.ods?table=channel").content)
    displayed = [[shown for _, _, shown in row] for row in ods_rows["Par canal d'entrée"]]

    assert len(csv_rows) == len(displayed)
    for csv_row, ods_row in zip(csv_rows, displayed, strict=True):
        assert [c.removesuffix(" %") for c in csv_row[:13]] == [o.removesuffix(" %") for o in ods_row[:13]]


def test_months_are_dates_and_every_table_has_its_sheet(figures: Any, admin_a: Any) -> None:
    response = logged_in(admin_a, HOST_A).get("/backoffice/statistiques/collectivite/export.ods?table=all&period=year")

    sheets = read_ods(response.content)
    assert list(sheets)[:7] == [
        "Chiffres clés",
        "Par mois",
        "En cours par ancienneté",
        "Par canal d'entrée",
        "Par service",
        "Par démarche",
        "Canaux utilisés",
    ]
    assert {"Appels", "Signalements", "Rendez-vous", "Paiements"} <= set(sheets)
    january = sheets["Par mois"][1][0]
    assert january == ("date", f"{TODAY.year}-01-01", f"01/01/{TODAY.year}")


def test_an_elected_official_downloads_the_late_cases_at_once_without_requesters_names(
    figures: list[Any], elected: Any
) -> None:
    response = logged_in(elected, HOST_A).post(
        "/backoffice/statistiques/demandes/export/", {"list": "late", "format": "ods"}
    )

    assert response.status_code == 200
    rows = next(iter(read_ods(response.content).values()))
    assert [text for _, _, text in rows[0]][:2] == ["Référence", "Démarche"]
    assert sorted(row[0][2] for row in rows[1:]) == sorted(case.reference for case in figures)
    assert "Dominique Secret" not in str(rows)
    days_late = sorted(int(row[8][1]) for row in rows[1:])
    assert days_late == [1, 2, 5]
    assert AuditEvent.objects.filter(action="stats.cases_exported").count() == 1
    assert not Export.objects.exists()


def test_a_department_agent_exports_only_from_their_department_dashboard(
    figures: list[Any], territory: Any, agent_a: Any, admin_a: Any
) -> None:
    other = DepartmentFactory(organisation=territory.commune_a, name="Urbanisme", slug="urbanisme")
    elsewhere = published_procedure(territory.commune_a, actor=admin_a, department=other, slug="stats-urba")
    late(elsewhere)
    client = logged_in(agent_a, HOST_A)

    assert (
        client.post("/backoffice/statistiques/demandes/export/", {"list": "late", "format": "csv"}).status_code == 403
    )
    refused = client.post(
        "/backoffice/statistiques/demandes/export/", {"list": "late", "format": "csv", "scope_department": other.pk}
    )
    assert refused.status_code == 403
    response = client.post(
        "/backoffice/statistiques/demandes/export/",
        {"list": "late", "format": "csv", "scope_department": territory.department_a.pk, "department": other.pk},
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert sorted(line.split(";")[0] for line in text.strip().splitlines()[1:]) == sorted(c.reference for c in figures)


def test_an_unknown_list_or_format_is_404(figures: Any, admin_a: Any) -> None:
    client = logged_in(admin_a, HOST_A)
    assert client.post("/backoffice/statistiques/demandes/export/", {"list": "all", "format": "pdf"}).status_code == 404
    assert client.post("/backoffice/statistiques/demandes/export/", {"list": "x", "format": "csv"}).status_code == 404


def test_a_long_list_is_built_in_the_background_and_its_requester_notified(
    figures: list[Any], elected: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.STATS_EXPORT_BACKGROUND_ROWS = 2
    client = logged_in(elected, HOST_A)
    with override_settings(TASKS=IMMEDIATE, EMAIL_BACKEND=LOCMEM):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/backoffice/statistiques/demandes/export/", {"list": "late", "format": "ods"})

    export = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/backoffice/statistiques/exports/{export.pk}/"
    assert export.status == ExportStatus.READY
    assert (export.rows_done, export.rows_total) == (3, 3)
    assert export.requested_by == elected
    assert export.expires_at is not None and export.expires_at > timezone.now() + dt.timedelta(days=6)
    message = OutboundMessage.objects.get(event="stats.export_ready")
    assert message.to == elected.email
    assert f"/backoffice/statistiques/exports/{export.pk}/" in message.body_text
    assert len(mail.outbox) == 1

    page = client.get(f"/backoffice/statistiques/exports/{export.pk}/").content.decode()
    assert 'role="status"' in page and "Le fichier est prêt" in page
    assert "hx-trigger" not in page  # finished: no more polling
    dashboard = client.get("/backoffice/statistiques/collectivite/").content.decode()
    assert "Vos exports sont prêts" in dashboard

    download = client.get(f"/backoffice/statistiques/exports/{export.pk}/fichier/")
    assert download.status_code == 200
    rows = next(iter(read_ods(b"".join(download.streaming_content)).values()))
    assert sorted(row[0][2] for row in rows[1:]) == sorted(case.reference for case in figures)
    assert AuditEvent.objects.filter(action="stats.export_downloaded").count() == 1
    assert "Vos exports sont prêts" not in client.get("/backoffice/statistiques/collectivite/").content.decode()


def test_the_progress_page_polls_while_the_file_is_built(figures: Any, elected: Any, territory: Any) -> None:
    export = Export.objects.create(
        organisation=territory.commune_a,
        requested_by=elected,
        kind="cases",
        params={"list": "late"},
        format="csv",
        title="Demandes en retard",
        filename="demandes.csv",
        status=ExportStatus.RUNNING,
        rows_done=1500,
        rows_total=6000,
    )
    client = logged_in(elected, HOST_A)

    page = client.get(f"/backoffice/statistiques/exports/{export.pk}/").content.decode()
    fragment = client.get(f"/backoffice/statistiques/exports/{export.pk}/", HTTP_HX_REQUEST="true").content.decode()

    assert 'hx-trigger="every 2s"' in page and "htmx-2.min.js" in page
    assert '<progress id="export-progress-' in page and 'value="25"' in page
    assert "1500 lignes écrites sur 6000" in fragment
    assert fragment.lstrip().startswith('<div id="export-status"')
    assert "<html" not in fragment


def test_only_the_requester_or_an_administrator_opens_an_export(
    figures: Any, elected: Any, agent_a: Any, admin_a: Any, agent_b: Any, territory: Any
) -> None:
    export = Export.objects.create(
        organisation=territory.commune_a,
        requested_by=elected,
        kind="cases",
        format="csv",
        title="Demandes en retard",
        filename="demandes.csv",
    )
    url = f"/backoffice/statistiques/exports/{export.pk}/"
    assert logged_in(agent_a, HOST_A).get(url).status_code == 403
    assert logged_in(admin_a, HOST_A).get(url).status_code == 200
    assert logged_in(elected, HOST_A).get(url).status_code == 200
    assert logged_in(elected, HOST_A).get(url + "fichier/").status_code == 404  # not ready
    assert (
        "Demandes en retard" not in logged_in(agent_a, HOST_A).get("/backoffice/statistiques/exports/").content.decode()
    )
    assert "Demandes en retard" in logged_in(admin_a, HOST_A).get("/backoffice/statistiques/exports/").content.decode()
    assert logged_in(agent_b, HOST_B).get(url).status_code == 404  # another commune's export


def test_running_the_task_twice_builds_the_file_once(figures: Any, elected: Any, territory: Any) -> None:
    export = Export.objects.create(
        organisation=territory.commune_a,
        requested_by=elected,
        kind="cases",
        params={"list": "late"},
        format="csv",
        title="Demandes en retard",
        filename="demandes.csv",
    )
    with override_settings(EMAIL_BACKEND=LOCMEM):
        assert run_export(export_id=export.pk) is not None
        assert run_export(export_id=export.pk) is None
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    assert OutboundMessage.objects.filter(event="stats.export_ready").count() == 1
    text = export.file.read().decode("utf-8-sig")
    assert len(text.strip().splitlines()) == 4  # header + 3 late cases


def test_expired_files_are_deleted_and_no_longer_downloadable(figures: Any, elected: Any, territory: Any) -> None:
    export = Export.objects.create(
        organisation=territory.commune_a,
        requested_by=elected,
        kind="cases",
        params={"list": "late"},
        format="csv",
        title="Demandes en retard",
        filename="demandes.csv",
    )
    with override_settings(EMAIL_BACKEND=LOCMEM):
        run_export(export_id=export.pk)
    export.refresh_from_db()
    storage, name = export.file.storage, export.file.name
    assert storage.exists(name)

    assert delete_expired_exports(now=timezone.now() + dt.timedelta(days=6)) == 0
    assert delete_expired_exports(now=timezone.now() + dt.timedelta(days=8)) == 1

    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED and not export.file
    assert not storage.exists(name)
    response = logged_in(elected, HOST_A).get(f"/backoffice/statistiques/exports/{export.pk}/fichier/")
    assert response.status_code == 404

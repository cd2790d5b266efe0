"""Statistics in a real Chromium: an elected official's dashboard at a desk and on a phone, and the
public page once the commune publishes it. The daily statistics are computed by the refresh service,
as the worker does. Every page: screenshot, no console error, no serious axe violation."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pyotp
import pytest
from django.utils import timezone

from parvis.accounts.enums import Role
from parvis.accounts.models import TOTPDevice, User
from parvis.legal.clock import paris_today
from parvis.legal.enums import DeadlineState
from parvis.stats.models import StatsSettings
from parvis.stats.services import refresh_daily_stats
from tests.browser.conftest import Visit
from tests.browser.test_accounts_pages import log_in, pass_second_factor
from tests.factories import MembershipFactory, UserFactory, published_procedure
from tests.stats.helpers import make_case

pytestmark = pytest.mark.browser


def _no_sideways_scroll(visit: Visit) -> None:
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{visit.page.url} is {overflow}px wider than the screen"


@pytest.fixture
def procedure(territory: Any, admin_a: User) -> Any:
    return published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a, slug="stats-acte")


@pytest.fixture
def figures(territory: Any, procedure: Any) -> None:
    """Three cases received this month (one by the counter, closed in time), then the refresh."""
    today = paris_today()
    first = today.replace(day=1)
    make_case(procedure, received=first, requester_name="Dominique Secret")
    make_case(procedure, received=first, requester_name="Sacha Secret")
    make_case(
        procedure,
        received=first,
        channel="counter",
        closed=today,
        state=DeadlineState.DECIDED,
        last_day=today,
        decided=today,
        requester_name="Claude Confidentiel",
    )
    refresh_daily_stats(start=first - dt.timedelta(days=40), end=today)


@pytest.fixture
def elected(territory: Any) -> tuple[User, str]:
    user = UserFactory(email="elu@commune-a.test", first_name="Élise")
    MembershipFactory(user=user, organisation=territory.commune_a, role=Role.ELECTED)
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
    return user, secret


def _received(visit: Visit) -> str:
    return (
        visit.page.locator(".stats-figures li")
        .filter(has_text="demandes reçues")
        .locator(".stats-figure-value")
        .inner_text()
    )


def test_an_elected_official_reads_the_dashboard_at_a_desk_and_on_a_phone(
    desk: Visit, phone: Visit, figures: None, elected: tuple[User, str], procedure: Any
) -> None:
    user, secret = elected
    log_in(desk, user)
    pass_second_factor(desk, secret)
    desk.goto("/backoffice/statistiques/")
    desk.page.wait_for_url(re.compile(r"/backoffice/statistiques/collectivite/$"))
    assert desk.page.get_by_role("heading", level=1).inner_text() == "Statistiques"
    assert _received(desk) == "3"
    by_procedure = desk.page.get_by_role("table", name="Chiffres par démarche")
    row = by_procedure.get_by_role("row", name=re.compile(procedure.title))
    assert row.get_by_role("cell").first.inner_text() == "3"
    assert desk.page.get_by_text("Dominique Secret").count() == 0
    desk.check("stats-dashboard-desk")

    desk.page.get_by_label(re.compile(r"^Canal")).select_option(label="Accueil (guichet)")
    desk.page.get_by_role("button", name="Afficher").click()
    desk.page.wait_for_url(re.compile(r"channel=counter"))
    assert _received(desk) == "1"
    desk.check("stats-dashboard-filtered-desk")

    phone.page.context.add_cookies(desk.page.context.cookies())
    phone.goto("/backoffice/statistiques/collectivite/")
    assert _received(phone) == "3"
    _no_sideways_scroll(phone)
    phone.check("stats-dashboard-phone")


def test_the_public_statistics_page_once_published_on_a_phone_and_at_a_desk(
    phone: Visit, desk: Visit, territory: Any, figures: None, procedure: Any
) -> None:
    StatsSettings.objects.update_or_create(organisation=territory.commune_a, defaults={"public_stats_enabled": True})
    phone.goto("/statistiques/")
    assert phone.page.get_by_role("heading", level=1).inner_text() == "Les demandes traitées par Commune A"
    assert _received(phone) == "3"
    assert phone.page.get_by_role("table", name="Chiffres par démarche").get_by_text(procedure.title).count() == 1
    assert phone.page.locator("a[href*='/backoffice/']").count() == 0
    assert phone.page.get_by_text("Confidentiel").count() == 0
    _no_sideways_scroll(phone)
    phone.check("stats-public-phone")

    desk.goto("/statistiques/")
    assert desk.page.get_by_role("link", name=re.compile("Télécharger les données de la période")).count() == 1
    desk.check("stats-public-desk")


def test_an_elected_official_exports_the_late_cases_as_ods_and_follows_a_long_export(
    desk: Visit, phone: Visit, territory: Any, procedure: Any, elected: tuple[User, str]
) -> None:
    from parvis.stats.enums import ExportStatus
    from parvis.stats.models import Export

    today = paris_today()
    for days in (3, 1):
        make_case(
            procedure,
            received=today - dt.timedelta(days=40),
            state=DeadlineState.RUNNING,
            last_day=today - dt.timedelta(days=days),
        )
    refresh_daily_stats(start=today - dt.timedelta(days=45), end=today)
    user, secret = elected
    log_in(desk, user)
    pass_second_factor(desk, secret)
    desk.goto("/backoffice/statistiques/collectivite/")
    late = desk.page.locator(".stats-figures li").filter(has_text="en retard aujourd'hui")
    assert late.locator(".stats-figure-value").inner_text() == "2"
    export_form = desk.page.get_by_role("group", name="Exporter la liste des demandes")
    export_form.get_by_label(re.compile(r"Demandes en retard")).check()
    with desk.page.expect_download() as download:
        desk.page.get_by_role("button", name="Télécharger (ODS)").click()
    assert download.value.suggested_filename.endswith(".ods")

    running = Export.objects.create(
        organisation=territory.commune_a,
        requested_by=user,
        kind="cases",
        params={"list": "open"},
        format="ods",
        title="Demandes en cours",
        filename="demandes.ods",
        status=ExportStatus.RUNNING,
        rows_done=2500,
        rows_total=10000,
    )
    desk.goto(f"/backoffice/statistiques/exports/{running.pk}/")
    assert desk.page.get_by_role("status").inner_text().startswith("En préparation")
    assert desk.page.get_by_label("Avancement").get_attribute("value") == "25"
    desk.check("stats-export-progress-desk")
    Export.objects.filter(pk=running.pk).update(
        status=ExportStatus.READY, rows_done=10000, expires_at=timezone.now() + dt.timedelta(days=7)
    )
    desk.page.get_by_role("status").filter(has_text="Le fichier est prêt").wait_for(timeout=6000)

    phone.page.context.add_cookies(desk.page.context.cookies())
    phone.goto("/backoffice/statistiques/exports/")
    exports = phone.page.get_by_role("table", name="Exports demandés")
    assert exports.get_by_role("link", name="Demandes en cours", exact=True).count() == 1
    assert exports.get_by_role("link", name="Télécharger Demandes en cours").count() == 1
    _no_sideways_scroll(phone)
    phone.check("stats-exports-phone")

"""Street reports in a real Chromium, keyboard only, on a phone (390 px): a resident types an address,
picks a suggestion with the arrow keys, sees the pothole already reported there and follows it; another
resident files a report without touching the map. Then the follower's confirm-or-reopen page, the public
map and its list, and the agents' list and case panel. Every page: screenshot, no console error, no
serious axe violation. Map tiles are answered locally (no network in tests)."""

from __future__ import annotations

import base64
import re
from decimal import Decimal
from typing import Any

import pyotp
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parvis.accounts.models import TOTPDevice, User
from parvis.reports import services
from parvis.reports.models import Report, ReportSettings, Street
from tests.browser.conftest import Visit
from tests.browser.test_accounts_pages import log_in, pass_second_factor
from tests.reports.factories import a_report, setup_reports

pytestmark = pytest.mark.browser

# A 1×1 transparent PNG answered for every map tile.
TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def _local_tiles(visit: Visit) -> None:
    visit.page.route(
        re.compile(r"^https://tile\.openstreetmap\.org/.*"),
        lambda route: route.fulfill(status=200, body=TILE, content_type="image/png"),
    )


def _no_sideways_scroll(visit: Visit) -> None:
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{visit.page.url} is {overflow}px wider than the screen"


def _tab_to(visit: Visit, test: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches ``test`` (a JS expression on ``el``)."""
    for _ in range(limit):
        visit.page.keyboard.press("Tab")
        if visit.page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({test}); }})()"):
            return
    raise AssertionError(f"never reached by Tab: {test}")


@pytest.fixture
def reports(territory: Any) -> dict[str, Any]:
    setup = setup_reports(territory)
    setup["pothole_a"].department = territory.department_a
    setup["pothole_a"].save()
    Street.objects.create(
        organisation=territory.commune_a,
        name="Rue de la République",
        postcode="99001",
        city="Commune A",
        district="Centre",
        latitude=Decimal("45.000000"),
        longitude=Decimal("4.995000"),
        end_latitude=Decimal("45.000000"),
        end_longitude=Decimal("5.005000"),
        last_number=100,
    )
    # Already reported: a pothole in front of number 12 (interpolated: 4.9962).
    setup["existing"] = a_report(
        territory, setup, latitude=Decimal("45.0"), longitude=Decimal("4.99621"), address="12 rue de la République"
    )
    services.moderate_report(
        report=setup["existing"],
        decision="approved",
        public_description="Nid de poule sur la chaussée",
        public_place="Rue de la République, face au n° 12",
        actor=None,
    )
    ReportSettings.objects.create(
        organisation=territory.commune_a, public_map=True, centre_latitude=45.0, centre_longitude=5.0
    )
    return setup


def test_keyboard_only_a_resident_types_an_address_sees_the_duplicate_and_follows_it(
    phone: Visit, reports: dict[str, Any]
) -> None:
    page = phone.page
    _local_tiles(phone)
    phone.goto("/signalements/nouveau/")
    phone.check("reports-place-phone")
    _no_sideways_scroll(phone)

    _tab_to(phone, "el.name === 'category'")
    page.keyboard.type("Nid")
    assert page.evaluate("document.activeElement.selectedOptions[0].text") == "Nid de poule"
    _tab_to(phone, "el.name === 'address'")
    page.keyboard.type("12 rue de la rép")
    page.get_by_role("option", name=re.compile("12 Rue de la République")).wait_for()
    assert page.locator("#id_address").get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_address").get_attribute("aria-activedescendant") == "address-option-0"
    page.keyboard.press("Enter")  # chooses the suggestion, does not submit
    assert page.locator("#id_address").input_value() == "12 Rue de la République, 99001 Commune A"
    assert page.locator("input[name=latitude]").input_value().startswith("45,000000")
    phone.check("reports-place-address-chosen-phone")

    _tab_to(phone, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Continuer'")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Déjà signalé ?").wait_for()
    assert page.get_by_text("Nid de poule — à").count() == 1
    phone.check("reports-details-duplicate-phone")
    _no_sideways_scroll(phone)

    existing = reports["existing"]
    _tab_to(phone, f"el.id === 'id_suivre{existing.pk}_email'")
    page.keyboard.type("camille.martin@example.fr")
    _tab_to(phone, "el.tagName === 'BUTTON' && el.textContent.includes('suivre ce signalement')")
    page.keyboard.press("Enter")
    page.get_by_text(re.compile("Vous suivez le signalement")).wait_for()
    phone.check("reports-followed-phone")
    assert existing.followers.filter(email="camille.martin@example.fr").exists()
    assert Report.objects.count() == 1


def test_keyboard_only_a_resident_files_a_report_without_the_map(phone: Visit, reports: dict[str, Any]) -> None:
    page = phone.page
    _local_tiles(phone)
    phone.goto("/signalements/nouveau/")
    _tab_to(phone, "el.name === 'category'")
    page.keyboard.type("Dép")
    assert page.evaluate("document.activeElement.selectedOptions[0].text") == "Dépôt sauvage"
    _tab_to(phone, "el.name === 'address'")
    page.keyboard.type("Parking du stade")
    page.keyboard.press("Escape")
    _tab_to(phone, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Continuer'")
    page.keyboard.press("Enter")
    page.get_by_text("Étape 2 sur 2").wait_for()

    # Sent without the contact: refused beside the field, nothing typed is lost.
    _tab_to(phone, "el.name === 'description'")
    page.keyboard.type("Des sacs de gravats abandonnés")
    _tab_to(phone, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Envoyer le signalement'")
    page.keyboard.press("Enter")
    page.locator(".error-summary").wait_for()
    # The error summary takes the focus (Playwright's own wait: no eval in the page, which the CSP forbids).
    expect(page.locator("#form-errors")).to_be_focused()
    assert page.get_by_label(re.compile("^Description du problème")).input_value() == "Des sacs de gravats abandonnés"
    phone.errors[:] = [e for e in phone.errors if "400" not in e]  # refused on purpose
    phone.check("reports-details-errors-phone")

    _tab_to(phone, "el.name === 'email'")
    page.keyboard.type("sam@example.org")
    _tab_to(phone, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Envoyer le signalement'")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Merci, votre signalement est enregistré").wait_for()
    phone.check("reports-done-phone")
    report = Report.objects.exclude(pk=reports["existing"].pk).get()
    assert report.address == "Parking du stade" and report.latitude is None
    assert report.organisation.is_epci  # EPCI competence


def test_the_follower_page_public_map_and_the_agents_pages_are_accessible(
    phone: Visit, desk: Visit, reports: dict[str, Any], agent_a: User
) -> None:
    existing = reports["existing"]
    services.mark_repaired(report=existing, note="Trou rebouché", actor=None)
    follower = existing.followers.get()
    phone.goto(f"/signalements/suivi/{services.follower_token(follower)}/")
    phone.page.get_by_role("heading", name="Est-ce bien réparé ?").wait_for()
    phone.check("reports-follower-phone")
    _no_sideways_scroll(phone)
    phone.page.get_by_role("button", name="Rouvrir le signalement").click()
    phone.page.locator(".error-summary").wait_for()
    phone.errors[:] = [e for e in phone.errors if "400" not in e]
    phone.check("reports-follower-reopen-error-phone")
    phone.page.get_by_label(re.compile("^Ce qui n'est pas réparé")).fill("Le trou est revenu")
    phone.page.get_by_role("button", name="Rouvrir le signalement").click()
    phone.page.get_by_text("Le signalement est rouvert").wait_for()
    existing.refresh_from_db()
    assert existing.reopen_count == 1

    _local_tiles(phone)
    phone.goto("/signalements/carte/")
    phone.page.get_by_role("heading", name="Liste des signalements").wait_for()
    phone.check("reports-public-map-phone")
    _no_sideways_scroll(phone)

    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=agent_a, secret=secret, confirmed_at=timezone.now())
    _local_tiles(desk)
    log_in(desk, agent_a)
    pass_second_factor(desk, secret)
    desk.goto("/backoffice/signalements/")
    desk.page.locator("#reports-map .leaflet-marker-icon").first.wait_for()
    desk.check("reports-backoffice-list-desk")
    desk.goto(f"/backoffice/demandes/{existing.case.reference}/")
    desk.page.get_by_role("heading", name="Signalement", exact=True).wait_for()
    desk.check("reports-case-panel-desk")
    desk.goto("/backoffice/signalements/moderation/")
    desk.check("reports-moderation-desk")


def test_the_map_places_the_marker_with_the_keyboard(desk: Visit, reports: dict[str, Any]) -> None:
    page = desk.page
    _local_tiles(desk)
    desk.goto("/signalements/nouveau/")
    page.locator("#report-map .leaflet-tile-loaded").first.wait_for()
    assert page.locator("input[name=latitude]").input_value() == ""
    _tab_to(desk, "el.id === 'report-map'")
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # pans the map east
    page.wait_for_timeout(400)
    page.keyboard.press("Enter")  # places the marker at the centre cross
    status = page.locator("[data-map-status]")
    assert status.inner_text().startswith("Repère placé : latitude")
    latitude = float(page.locator("input[name=latitude]").input_value().replace(",", "."))
    longitude = float(page.locator("input[name=longitude]").input_value().replace(",", "."))
    assert latitude == pytest.approx(45.0, abs=0.01) and longitude > 5.0  # east of the centre
    assert page.locator("#report-map .leaflet-marker-icon").count() == 1
    desk.check("reports-place-map-keyboard-desk")

"""The main pages of both layouts, in a real Chromium: screenshots, no console error, no serious axe violation."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from tests.browser.conftest import DESK, Visit, open_visit

pytestmark = pytest.mark.browser


def test_portal_home_is_accessible_on_a_phone(phone: Visit) -> None:
    phone.goto("/")
    assert "Commune A" in phone.page.locator("header").inner_text()
    phone.check("portal-home-phone")


def test_portal_home_is_accessible_on_a_desk(desk: Visit) -> None:
    desk.goto("/")
    desk.check("portal-home-desk")


def test_portal_home_does_not_scroll_sideways_on_a_phone(phone: Visit) -> None:
    phone.goto("/")
    overflow = phone.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a 390px phone screen"


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/mentions-legales/", "legal-notices"),
        ("/accessibilite/", "accessibility-statement"),
        ("/donnees-personnelles/", "personal-data"),
    ],
)
def test_legal_pages_are_accessible(desk: Visit, path: str, name: str) -> None:
    desk.goto(path)
    assert desk.page.locator("h1").count() == 1
    desk.check(name)


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content(desk: Visit) -> None:
    desk.goto("/")
    desk.page.keyboard.press("Tab")
    focused = desk.page.evaluate("[document.activeElement.className, document.activeElement.textContent.trim()]")
    assert focused == ["skip-link", "Aller au contenu"]
    assert desk.page.locator(".skip-link").is_visible(), "the skip link must show when it has the focus"
    desk.page.keyboard.press("Enter")
    assert desk.page.evaluate("document.activeElement.id") == "contenu"
    assert desk.page.evaluate("document.activeElement.tagName") == "MAIN"


def test_the_territory_chooser_on_an_unknown_host_is_accessible(
    browser: Browser, axe: Axe, live_server: Any, territory: Any
) -> None:
    visit = open_visit(browser, axe, live_server.url, DESK)
    try:
        visit.goto("/")
        assert visit.page.get_by_role("link", name="Aller sur le site de Commune A").count() == 1
        visit.check("territory-chooser")
    finally:
        visit.page.context.close()


def test_the_accessibility_check_catches_an_image_without_alternative_text(desk: Visit) -> None:
    """The harness itself: a page with a serious violation must fail the check."""
    desk.goto("/")
    desk.page.evaluate(
        "document.querySelector('main').append("
        "Object.assign(document.createElement('img'), {src: '/static/parvis/favicon.svg'}))"
    )
    with pytest.raises(AssertionError, match="image-alt"):
        desk.check("harness-self-test")


def test_the_demo_mailbox_is_accessible(desk: Visit, territory: Any, settings: Any) -> None:
    from parvis.notifications.services import queue_message

    settings.DEMO = True
    queue_message(
        organisation=territory.commune_a,
        event="notifications.test",
        to="camille@example.org",
        context={"recipient_name": "Camille Martin", "portal_url": "http://commune-a.localhost/"},
    )
    desk.goto("/demo/outbox/")
    assert desk.page.get_by_text("Message d'essai de Commune A").count() >= 1
    desk.check("demo-outbox")

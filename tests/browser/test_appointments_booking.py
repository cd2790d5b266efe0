"""Booking an appointment on a 375-px phone with the keyboard, then moving it from the link; the
agent's day view at a desk. Every page: screenshot, no console error, no serious axe violation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings

from parvis.appointments.models import Appointment
from parvis.notifications.models import OutboundMessage
from tests.appointments.helpers import make_agenda
from tests.browser.conftest import Visit, open_visit
from tests.conftest import logged_in

pytestmark = pytest.mark.browser
SMALL_PHONE = {"width": 375, "height": 812}


@pytest.fixture
def small_phone(browser: Any, axe: Any, commune_a_url: str) -> Iterator[Visit]:
    visit = open_visit(browser, axe, commune_a_url, SMALL_PHONE)
    yield visit
    visit.page.context.close()


def _no_sideways_scroll(visit: Visit) -> None:
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{visit.page.url} is {overflow}px wider than the screen"


def test_a_resident_books_with_the_keyboard_on_a_phone_and_moves_the_appointment(
    small_phone: Visit, desk: Visit, territory: Any, agent_a: Any
) -> None:
    kind, desks = make_agenda(territory.commune_a, min_notice_hours=0)
    page = small_phone.page
    small_phone.goto("/")
    page.get_by_role("link", name="Prendre rendez-vous").click()
    page.wait_for_url(re.compile(r"/rendez-vous/$"))
    small_phone.check("appointments-types-phone")
    page.get_by_role("link", name=kind.name).click()
    page.wait_for_url(re.compile(r"/rendez-vous/cni/"))
    _no_sideways_scroll(small_phone)
    small_phone.check("appointments-book-phone")

    # Keyboard only: focus the first time, arrow to the second, then type the contact details.
    slots = page.get_by_role("group", name=re.compile("Choisissez un horaire"))
    first = slots.get_by_role("radio").first
    first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    chosen_label = page.locator("input[name=slot]:checked + label").inner_text()
    page.get_by_label(re.compile(r"^Nom et prénom")).fill("Camille Martin")
    page.get_by_label(re.compile(r"^Courriel")).fill("camille.martin@example.org")
    page.get_by_label(re.compile(r"^Courriel")).press("Enter")
    page.wait_for_url(re.compile(r"/rendez-vous/gerer/"))
    assert page.get_by_text("Rendez-vous confirmé").count() == 1
    appointment = Appointment.objects.get()
    assert chosen_label.split()[0] in appointment.start.astimezone().strftime("%H h %M").lstrip("0")
    assert OutboundMessage.objects.filter(event="appointment.confirmed").count() == 1
    _no_sideways_scroll(small_phone)
    small_phone.check("appointments-manage-phone")

    page.get_by_role("link", name="Déplacer le rendez-vous").click()
    page.wait_for_url(re.compile(r"/deplacer/$"))
    small_phone.check("appointments-reschedule-phone")
    page.locator("input[name=slot]").nth(5).check()
    page.get_by_role("button", name="Déplacer à cet horaire").click()
    page.wait_for_url(re.compile(r"/rendez-vous/gerer/"))
    assert page.get_by_text("Rendez-vous déplacé").count() == 1
    moved = Appointment.objects.get()
    assert moved.start != appointment.start

    # The agent's day view at a desk (session of a logged-in agent with the second factor done).
    client = logged_in(agent_a, "commune-a.localhost")
    desk.page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": desk.base_url,
            }
        ]
    )
    desk.goto(f"/backoffice/rendez-vous/?jour={moved.start.astimezone().date().isoformat()}")
    assert desk.page.get_by_role("link", name="Camille Martin").count() == 1
    desk.check("appointments-day-desk")

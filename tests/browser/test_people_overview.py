"""The person 360° view in a real Chromium: an agent at the phone finds Camille as they type (htmx),
logs her call, opens her page from the call and narrows it to the calls; the same page on a phone.
Every page: screenshot, no console error, no serious axe violation."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from django.utils import timezone

from parvis.accounts.models import TOTPDevice, User
from parvis.audit.models import AuditEvent
from parvis.calls.models import Call
from tests.browser.conftest import Visit
from tests.browser.test_accounts_pages import log_in, pass_second_factor
from tests.people.overview_helpers import camille_story

pytestmark = pytest.mark.browser


def _no_sideways_scroll(visit: Visit) -> None:
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{visit.page.url} is {overflow}px wider than the screen"


@pytest.fixture
def agent_totp(agent_a: User) -> str:
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=agent_a, secret=secret, confirmed_at=timezone.now())
    return secret


def test_an_agent_finds_the_caller_logs_the_call_and_sees_everything_about_her(
    desk: Visit, phone: Visit, territory: Any, citizen: User, admin_a: User, agent_a: User, agent_totp: str
) -> None:
    story = camille_story(territory, citizen, admin_a)
    person = story.person
    page = desk.page
    log_in(desk, agent_a)
    pass_second_factor(desk, agent_totp)

    # At the phone: her record comes as the agent types her name (htmx), and is picked.
    desk.goto("/backoffice/appels/")
    page.get_by_label(re.compile(r"^Rechercher la personne")).fill("martin")
    choice = page.get_by_label(re.compile(rf"^{re.escape(person.full_name)}"))
    choice.wait_for()
    choice.check()
    page.get_by_label(re.compile(r"^Autre sujet")).fill("Suivi de sa demande")
    page.get_by_role("button", name="Enregistrer l'appel").click()
    page.wait_for_url(re.compile(r"/backoffice/appels/\d+/$"))
    assert Call.objects.filter(person=person, subject_other="Suivi de sa demande").exists()
    desk.check("people-call-linked-desk")

    # From the call to her page: every kind of item, newest first, with its channel.
    page.get_by_role("link", name="Fiche de la personne").click()
    page.wait_for_url(re.compile(rf"/backoffice/personnes/{person.pk}/$"))
    assert page.get_by_role("heading", level=1).inner_text() == person.full_name
    items = page.locator(".person-items > li")
    assert items.count() >= 8
    assert "(à venir)" in items.nth(0).inner_text()  # her appointment next week comes first
    assert "Suivi de sa demande" in items.nth(1).inner_text()  # then the call just logged
    assert page.get_by_role("link", name=re.compile(rf"^Demande {story.case_a.reference} —")).count() == 1
    assert page.get_by_text(story.case_b.reference).count() == 0  # commune B: no role there
    desk.check("people-overview-desk")

    # Narrowed to the calls, without JavaScript needed (a GET form).
    page.get_by_label(re.compile(r"^Type")).select_option("call")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"kind=call"))
    assert items.count() == 2 and all("Appel" in text for text in items.all_inner_texts())
    desk.check("people-overview-filtered-desk")
    assert AuditEvent.objects.filter(action="person.viewed", object_id=str(person.pk)).count() == 2

    # The same page on a phone stays within the screen.
    phone.page.context.add_cookies(page.context.cookies())
    phone.goto(f"/backoffice/personnes/{person.pk}/")
    _no_sideways_scroll(phone)
    phone.check("people-overview-phone")

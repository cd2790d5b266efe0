"""The call log in a real Chromium: an agent logs a call at a desk, the knowledge-base articles come
as the question is typed (htmx), then the call becomes a case; the same page on a phone.
Every page: screenshot, no console error, no serious axe violation."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from django.utils import timezone

from parvis.accounts.models import TOTPDevice, User
from parvis.calls.enums import Outcome
from parvis.calls.models import Call
from parvis.cases.enums import Channel
from parvis.knowledge.enums import Audience
from tests.browser.conftest import Visit
from tests.browser.test_accounts_pages import log_in, pass_second_factor
from tests.calls.helpers import subject
from tests.factories import published_procedure
from tests.knowledge.helpers import article

pytestmark = pytest.mark.browser
ARTICLE = "Passeport : les pièces à fournir"


def _no_sideways_scroll(visit: Visit) -> None:
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{visit.page.url} is {overflow}px wider than the screen"


@pytest.fixture
def agent_totp(agent_a: User) -> str:
    """The agent's confirmed second factor (back-office pages need it); returns its secret."""
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=agent_a, secret=secret, confirmed_at=timezone.now())
    return secret


@pytest.fixture
def call_desk(territory: Any, admin_a: User) -> Any:
    subject(territory.commune_a, "Carte d'identité et passeport")
    article(territory.commune_a, ARTICLE, audience=Audience.AGENTS, theme="citoyennete")
    article(territory.commune_a, "Collecte des encombrants", theme="dechets")
    return published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a, slug="passeport")


def test_an_agent_logs_a_call_with_the_suggestions_and_turns_it_into_a_case(
    desk: Visit, phone: Visit, agent_a: User, agent_totp: str, call_desk: Any
) -> None:
    page = desk.page
    log_in(desk, agent_a)
    pass_second_factor(desk, agent_totp)
    desk.goto("/backoffice/appels/")
    suggestions = page.locator("#call-suggestions")
    assert suggestions.get_by_text("Choisissez ou tapez le sujet").count() == 1
    desk.check("calls-log-desk")

    # Saved empty: the errors are listed, linked to their fields, and nothing is recorded.
    page.get_by_role("button", name="Enregistrer l'appel").click()
    page.locator(".error-summary").wait_for()
    assert page.locator(".error-summary a[href='#id_caller_name']").count() == 1
    assert not Call.objects.exists()
    desk.errors[:] = [e for e in desk.errors if "400" not in e]  # the refused form answers 400 on purpose
    desk.check("calls-log-errors-desk")

    page.get_by_label(re.compile(r"^Nom de la personne")).fill("Jeanne Dupont")
    page.get_by_label(re.compile(r"^Téléphone")).fill("06 12 34 56 78")
    page.get_by_label(re.compile(r"^Sujet")).select_option(label="Carte d'identité et passeport")
    page.get_by_label(re.compile(r"^Question posée")).fill("Passeport perdu, quelles pièces apporter ?")
    # The articles arrive as the agent types (htmx), agents-only articles included; not the others.
    suggestions.get_by_role("link", name=re.compile(ARTICLE)).wait_for()
    assert suggestions.get_by_text("Collecte des encombrants").count() == 0
    desk.check("calls-log-suggestions-desk")

    page.get_by_label(re.compile(r"^Réponse donnée")).fill("Déclaration de perte, photo, justificatif de domicile.")
    page.get_by_label(re.compile(r"^Durée")).fill("3")
    page.get_by_role("button", name="Enregistrer l'appel").click()
    page.wait_for_url(re.compile(r"/backoffice/appels/\d+/$"))
    logged = Call.objects.get()
    assert (logged.caller_name, logged.duration_minutes, logged.outcome) == ("Jeanne Dupont", 3, Outcome.ANSWERED)
    assert page.get_by_role("heading", level=1).inner_text() == "Appel de Jeanne Dupont"
    assert page.locator("aside").get_by_role("link", name=re.compile(ARTICLE)).count() == 1
    desk.check("calls-detail-desk")

    # The same session on a phone: the call page and the log stay within the screen.
    phone.page.context.add_cookies(page.context.cookies())
    phone.goto(f"/backoffice/appels/{logged.pk}/")
    _no_sideways_scroll(phone)
    phone.check("calls-detail-phone")
    phone.goto("/backoffice/appels/")
    _no_sideways_scroll(phone)
    phone.check("calls-log-phone")

    page.get_by_label(re.compile(r"^Démarche")).select_option(label=call_desk.title)
    page.get_by_role("button", name="Créer la demande").click()
    page.wait_for_url(re.compile(r"/backoffice/demandes/[^/]+/$"))
    logged.refresh_from_db()
    assert logged.case is not None and logged.case.channel == Channel.PHONE
    assert logged.outcome == Outcome.CASE
    assert page.get_by_text(f"Demande {logged.case.reference} créée à partir de l'appel").count() == 1
    desk.check("calls-case-created-desk")

    desk.goto(f"/backoffice/appels/{logged.pk}/")
    assert page.get_by_role("link", name=logged.case.reference).count() == 1
    assert page.get_by_role("heading", name="Transformer en demande").count() == 0
    desk.check("calls-detail-with-case-desk")

"""The agents' case pages in a real Chromium (run with ``-m browser``): no console error (CSP),
no serious axe violation, usable on a phone, and the small enhancements of backoffice.js."""

# ruff: noqa: F811

from __future__ import annotations

import re

import pytest

from parvis.accounts.models import User
from parvis.cases.services import create_canned_response, submit_case

# The browser fixtures live in tests/browser/conftest.py; importing them here makes them available
# to this module, whose tests then take them as arguments (hence F811 for the whole file).
from tests.browser.conftest import Visit, axe, browser, commune_a_url, desk, phone, playwright  # noqa: F401
from tests.browser.test_accounts_pages import agent_secret, log_in, pass_second_factor  # noqa: F401
from tests.factories import published_procedure

pytestmark = pytest.mark.browser


@pytest.fixture
def queue_cases(territory, admin_a, citizen):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    create_canned_response(
        organisation=territory.commune_a,
        title="Pièce manquante",
        text="Il manque la copie de votre pièce d'identité.",
        actor=admin_a,
    )
    return [
        submit_case(
            organisation=territory.commune_a,
            procedure=procedure,
            answers={"objet": f"Copie intégrale n° {i}"},
            requester=citizen if i == 0 else None,
            requester_name=f"Demandeur numéro {i}",
            requester_email=f"demandeur{i}@example.org",
            actor=None,
        ).case
        for i in range(3)
    ]


def _as_agent(visit: Visit, agent: User, secret: str) -> None:
    log_in(visit, agent)
    pass_second_factor(visit, secret)


def _no_sideways_scroll(visit: Visit) -> None:
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"


def test_the_queue_and_its_bulk_selection_work_at_a_desk(desk: Visit, agent_a, agent_secret, queue_cases) -> None:
    _as_agent(desk, agent_a, agent_secret)
    desk.goto("/backoffice/demandes/")
    assert desk.page.locator("h1").inner_text() == "Demandes"
    select_all = desk.page.get_by_label("Tout sélectionner sur cette page")
    select_all.check()
    assert desk.page.locator("input[name=references]:checked").count() == 3
    desk.check("backoffice-queue-desk")
    desk.page.get_by_label("Action sur la sélection").select_option("assign_me")
    desk.page.get_by_role("button", name="Appliquer à la sélection").click()
    desk.page.wait_for_load_state()
    assert "3 demandes" in desk.page.locator(".messages").inner_text()


def test_the_queue_is_usable_on_a_phone(phone: Visit, agent_a, agent_secret, queue_cases) -> None:
    _as_agent(phone, agent_a, agent_secret)
    phone.goto("/backoffice/demandes/?q=numero+1")
    assert phone.page.locator("tbody tr").count() == 1
    phone.check("backoffice-queue-phone")


def test_the_case_page_inserts_a_canned_response_and_sends_the_message(
    desk: Visit, agent_a, agent_secret, queue_cases
) -> None:
    case = queue_cases[0]
    _as_agent(desk, agent_a, agent_secret)
    desk.goto(f"/backoffice/demandes/{case.reference}/")
    desk.check("backoffice-case-desk")
    message = desk.page.get_by_label(re.compile(r"^Message au demandeur"))
    message.fill("Bonjour,")
    desk.page.get_by_label("Réponse type").select_option(label="Pièce manquante")
    desk.page.get_by_role("button", name="Insérer la réponse type").click()
    assert message.input_value() == "Bonjour,\n\nIl manque la copie de votre pièce d'identité."
    desk.page.get_by_role("button", name="Envoyer le message").click()
    desk.page.wait_for_load_state()
    assert "Message envoyé" in desk.page.locator(".messages").inner_text()


def test_a_refused_transition_is_announced_accessibly(desk: Visit, agent_a, agent_secret, queue_cases) -> None:
    _as_agent(desk, agent_a, agent_secret)
    desk.goto(f"/backoffice/demandes/{queue_cases[1].reference}/")
    desk.page.get_by_role("button", name="Refuser").click()
    desk.page.wait_for_load_state()
    assert desk.page.locator(".error-summary").count() == 1
    desk.check("backoffice-case-error")


def test_the_case_page_is_usable_on_a_phone(phone: Visit, agent_a, agent_secret, queue_cases) -> None:
    _as_agent(phone, agent_a, agent_secret)
    phone.goto(f"/backoffice/demandes/{queue_cases[0].reference}/")
    _no_sideways_scroll(phone)
    phone.check("backoffice-case-phone")

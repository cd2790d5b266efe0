"""The citizen's requests on a 390-px phone: Mes demandes, the case page, following a case by its code."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from parvis.accounts.models import User
from parvis.cases.services import apply_transition, message_citizen, submit_case
from tests.browser.conftest import Visit
from tests.browser.test_accounts_pages import log_in
from tests.factories import published_procedure

pytestmark = pytest.mark.browser


def _no_sideways_scroll(visit: Visit) -> None:
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{visit.page.url} is {overflow}px wider than the phone screen"


@pytest.fixture
def asked_case(territory, admin_a, agent_a, citizen: User):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    submission = submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Copie intégrale"},
        requester=citizen,
        requester_name="Camille Martin",
        requester_email=citizen.email,
        actor=citizen,
    )
    message_citizen(case=submission.case, text="Pouvez-vous préciser la date de naissance ?", actor=agent_a)
    apply_transition(
        case=submission.case,
        transition_key="ask_citizen",
        actor=agent_a,
        comment="Joignez le livret de famille.",
        action_data={"items": ["Livret de famille"], "deadline": timezone.localdate() + dt.timedelta(days=30)},
    )
    return submission


def test_a_citizen_reads_and_answers_a_request_on_a_phone(phone: Visit, citizen: User, asked_case) -> None:
    log_in(phone, citizen)
    phone.page.wait_for_url(lambda url: "/compte/connexion/" not in url)
    phone.goto("/mon-espace/demandes/")
    assert phone.page.get_by_text("Nouveau message").count() == 1
    _no_sideways_scroll(phone)
    phone.check("citizen-my-cases-phone")

    phone.page.get_by_role("link", name="Demande d'acte de naissance").click()
    phone.page.wait_for_url(re.compile(r"/mon-espace/demandes/.+/$"))
    _no_sideways_scroll(phone)
    phone.check("citizen-case-phone")

    phone.page.get_by_label(re.compile(r"^Votre message")).fill("Le 3 mars 1990.")
    phone.page.get_by_role("button", name="Envoyer le message").click()
    phone.page.wait_for_url(re.compile(r"#echanges$"))
    assert phone.page.get_by_text("Le 3 mars 1990.").count() >= 1
    phone.check("citizen-case-replied-phone")


def test_the_reply_form_errors_are_accessible(desk: Visit, citizen: User, asked_case) -> None:
    log_in(desk, citizen)
    desk.page.wait_for_url(lambda url: "/compte/connexion/" not in url)
    desk.goto(f"/mon-espace/demandes/{asked_case.case.reference}/")
    desk.page.get_by_role("button", name="Envoyer le message").click()
    desk.page.wait_for_load_state()
    assert desk.page.locator(".error-summary").count() == 1
    desk.check("citizen-case-reply-error")


def test_following_a_case_by_its_code_on_a_phone(phone: Visit, asked_case) -> None:
    phone.goto("/suivi/")
    _no_sideways_scroll(phone)
    phone.check("case-tracking-form-phone")
    phone.page.get_by_label(re.compile(r"^Référence")).fill(asked_case.case.reference)
    phone.page.get_by_label(re.compile(r"^Code de suivi")).fill(asked_case.tracking_code)
    phone.page.get_by_role("button", name="Voir ma demande").click()
    phone.page.wait_for_url(re.compile(r"/suivi/.+/$"))
    assert phone.page.get_by_text("Joignez le livret de famille.").count() >= 1
    _no_sideways_scroll(phone)
    phone.check("case-tracked-phone")

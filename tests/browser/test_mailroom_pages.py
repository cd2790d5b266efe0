"""The mail room in a real Chromium: an agent registers a letter with its scan at a desk, then qualifies
it into a case and prints the paper acknowledgment; the same pages on a phone.
Every page: screenshot, no console error, no serious axe violation."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pyotp
import pytest
from django.utils import timezone

from parvis.accounts.enums import Role
from parvis.accounts.models import TOTPDevice, User
from parvis.cases.enums import Channel
from parvis.mailroom.enums import LetterStatus
from parvis.mailroom.models import Letter
from tests.browser.conftest import Visit
from tests.browser.test_accounts_pages import log_in, pass_second_factor
from tests.factories import MembershipFactory, UserFactory, published_procedure
from tests.mailroom.helpers import PDF_BYTES, person

pytestmark = pytest.mark.browser


def _no_sideways_scroll(visit: Visit) -> None:
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{visit.page.url} is {overflow}px wider than the screen"


@pytest.fixture
def clerk(territory: Any) -> tuple[User, str]:
    """The mail room's agent (front office of commune A) with a confirmed second factor."""
    user = UserFactory(email="courrier@commune-a.test", first_name="Claire", last_name="Courrier")
    MembershipFactory(user=user, organisation=territory.commune_a, role=Role.FRONT_OFFICE)
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
    return user, secret


def test_an_agent_registers_a_letter_and_qualifies_it_into_a_case(
    desk: Visit, phone: Visit, clerk: tuple[User, str], territory: Any, admin_a: User
) -> None:
    procedure = published_procedure(
        territory.commune_a, actor=admin_a, department=territory.department_a, slug="acte-courrier"
    )
    user, secret = clerk
    page = desk.page
    log_in(desk, user)
    pass_second_factor(desk, secret)
    desk.goto("/backoffice/courrier/")
    assert page.get_by_role("link", name="Courrier", exact=True).count() == 1  # the menu entry
    desk.check("mailroom-list-empty-desk")

    desk.goto("/backoffice/courrier/enregistrer/")
    desk.check("mailroom-register-desk")
    # Saved empty: the errors are listed, linked to their fields, nothing is recorded.
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.locator(".error-summary").wait_for()
    assert page.locator(".error-summary a[href='#id_sender_last_name']").count() == 1
    assert not Letter.objects.exists()
    desk.errors[:] = [e for e in desk.errors if "400" not in e]  # the refused form answers 400 on purpose
    desk.check("mailroom-register-errors-desk")

    # The sender is searched first: Enter in the search field searches (its own form), nothing is saved.
    person(territory.commune_a, first_name="Marcel", last_name="Proust", address="1 rue Combray")
    search = page.get_by_label(re.compile(r"^Rechercher l'expéditeur"))
    search.fill("proust")
    search.press("Enter")
    page.get_by_label(re.compile(r"Marcel PROUST")).wait_for()
    assert page.get_by_label(re.compile(r"^Aucune")).is_checked()
    desk.check("mailroom-register-search-desk")

    received = timezone.localdate() - dt.timedelta(days=3)
    page.get_by_label(re.compile(r"^Prénom de l'expéditeur")).fill("Jeanne")
    page.get_by_label(re.compile(r"^Nom de l'expéditeur")).fill("Dupont")
    page.get_by_label(re.compile(r"^Adresse postale")).fill("3 rue des Lilas\n99000 Testville")
    page.get_by_label(re.compile(r"^Reçu le")).fill(received.isoformat())
    page.get_by_label(re.compile(r"^Cachet de la poste")).fill((received - dt.timedelta(days=1)).isoformat())
    page.get_by_label(re.compile(r"^Objet du courrier")).fill("Copie intégrale d'acte de naissance")
    page.get_by_label(re.compile(r"^Numérisation du courrier")).set_input_files(
        [{"name": "lettre.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url(re.compile(r"/backoffice/courrier/\d+/$"))
    letter = Letter.objects.get()
    assert (letter.sender_name, letter.received_on, letter.scans.count()) == ("Jeanne Dupont", received, 1)
    assert page.get_by_role("heading", level=1).inner_text() == f"Courrier {letter.number}"
    desk.check("mailroom-detail-desk")

    # The same session on a phone: the tray, the form and the letter stay within the screen.
    phone.page.context.add_cookies(page.context.cookies())
    for path, name in (
        ("/backoffice/courrier/", "mailroom-list-phone"),
        ("/backoffice/courrier/enregistrer/", "mailroom-register-phone"),
        (f"/backoffice/courrier/{letter.pk}/", "mailroom-detail-phone"),
    ):
        phone.goto(path)
        _no_sideways_scroll(phone)
        phone.check(name)

    page.get_by_label(re.compile(r"^Démarche")).select_option(label=procedure.title)
    page.get_by_role("button", name="Créer la demande").click()
    page.wait_for_url(re.compile(r"/backoffice/courrier/\d+/$"))
    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUALIFIED and letter.case is not None
    assert letter.case.channel == Channel.MAIL and letter.case.received_on == received
    assert page.get_by_text(f"Demande {letter.case.reference} créée à partir du courrier").count() == 1
    assert page.get_by_role("link", name="Imprimer l'accusé de réception").count() == 1
    desk.check("mailroom-qualified-desk")
    phone.goto(f"/backoffice/courrier/{letter.pk}/")
    _no_sideways_scroll(phone)
    phone.check("mailroom-qualified-phone")

    # An outgoing letter from the case page.
    desk.goto(f"/backoffice/demandes/{letter.case.reference}/")
    page.get_by_role("link", name="Écrire un courrier").click()
    page.wait_for_url(re.compile(r"/backoffice/courrier/ecrire/"))
    assert page.get_by_label(re.compile(r"^Adresse postale du destinataire")).input_value().startswith("3 rue")
    desk.check("mailroom-outgoing-form-desk")
    page.get_by_label(re.compile(r"^Texte du courrier")).fill("Madame,\n\nVotre acte est joint.\n\nCordialement.")
    page.get_by_role("button", name="Préparer le courrier (PDF)").click()
    page.wait_for_url(re.compile(r"/backoffice/courrier/envoyes/\d+/$"))
    assert page.get_by_role("link", name="Imprimer le courrier (PDF)").count() == 1
    desk.check("mailroom-outgoing-detail-desk")


def test_a_back_office_agent_sees_the_tray_of_their_department(desk: Visit, territory: Any) -> None:
    """A department's agent also reaches the tray (menu entry for back office)."""
    agent = UserFactory(email="service@commune-a.test")
    MembershipFactory(
        user=agent, organisation=territory.commune_a, role=Role.BACK_OFFICE, department=territory.department_a
    )
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=agent, secret=secret, confirmed_at=timezone.now())
    log_in(desk, agent)
    pass_second_factor(desk, secret)
    desk.goto(f"/backoffice/courrier/?department={territory.department_a.pk}")
    assert desk.page.get_by_text("0 courrier").count() == 1
    desk.check("mailroom-list-department-desk")

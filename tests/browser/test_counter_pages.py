"""The counter in a real Chromium: an agent files a démarche for a resident who has no account (with a
scanned document and the name of who came), prints the slip; a resident shows the code of a draft
started online and the agent continues it; the same pages on a 768 px tablet (home visits) and a
390 px phone. Every page: screenshot, no console error, no serious axe violation."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from django.utils import timezone

from parvis.accounts.models import TOTPDevice, User
from parvis.cases.enums import EventKind
from parvis.cases.models import Case, Draft
from parvis.counter.models import AssistedFiling
from tests.browser.conftest import Visit, open_visit
from tests.browser.test_accounts_pages import log_in, pass_second_factor
from tests.counter.helpers import counter_agent, counter_procedure, light_identity

pytestmark = pytest.mark.browser
TABLET = {"width": 768, "height": 1024}


def _no_sideways_scroll(visit: Visit) -> None:
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{visit.page.url} is {overflow}px wider than the screen"


def _forget_expected_refusal(visit: Visit) -> None:
    """A refused form answers 400 on purpose (what was typed comes back with the errors): not a page error."""
    visit.errors[:] = [e for e in visit.errors if "400" not in e]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def karim(territory: Any) -> User:
    return counter_agent(territory.commune_a)


@pytest.fixture
def karim_totp(karim: User) -> str:
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=karim, secret=secret, confirmed_at=timezone.now())
    return secret


@pytest.fixture
def counter_desk(territory: Any, admin_a: User, karim: User) -> Any:
    procedure = counter_procedure(territory.commune_a, actor=admin_a)
    person = light_identity(territory.commune_a, actor=karim, phone="06 11 22 33 44")
    return procedure, person


def _fill_and_file(visit: Visit, *, prefix: str, with_scan: bool, tmp_path: Any) -> None:
    page = visit.page
    page.get_by_label(re.compile(r"^Objet de la demande")).fill("Copie intégrale pour un mariage")
    visit.check(f"{prefix}-fill-page1")
    page.get_by_role("button", name="Continuer", exact=True).last.click()
    page.wait_for_url(re.compile(r"\?page=2$"))
    if with_scan:
        scan = tmp_path / "scan-identite.pdf"
        scan.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
        page.get_by_label(re.compile(r"^Pièce d'identité")).set_input_files(str(scan))
    visit.check(f"{prefix}-fill-page2")
    page.get_by_role("button", name="Continuer", exact=True).last.click()
    page.wait_for_url(re.compile(r"/recapitulatif/$"))
    visit.check(f"{prefix}-summary")


def test_a_counter_agent_files_for_a_resident_without_account_and_prints_the_slip(
    desk: Visit,
    browser: Any,
    axe: Any,
    commune_a_url: str,
    karim: User,
    karim_totp: str,
    counter_desk: Any,
    tmp_path: Any,
) -> None:
    procedure, person = counter_desk
    page = desk.page
    log_in(desk, karim)
    pass_second_factor(desk, karim_totp)
    desk.goto("/backoffice/guichet/")
    desk.check("counter-home-desk")
    page.get_by_role("searchbox", name="Rechercher une personne").fill("lefevre")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name=re.compile(r"Accueillir")).first.click()
    page.wait_for_url(re.compile(r"/backoffice/guichet/personnes/\d+/$"))
    desk.check("counter-person-desk")

    # Refused without a démarche: the error is beside the field, linked from the summary.
    page.get_by_role("button", name="Commencer la démarche").click()
    page.locator(".error-summary a[href='#id_procedure']").wait_for()
    _forget_expected_refusal(desk)
    desk.check("counter-person-errors-desk")
    page.get_by_label(re.compile(r"^Démarche")).select_option(label=procedure.title)
    page.get_by_label("Accueil (guichet)").check()
    page.get_by_role("button", name="Commencer la démarche").click()
    page.wait_for_url(re.compile(r"/backoffice/guichet/demarches/\d+/$"))
    _fill_and_file(desk, prefix="counter-desk", with_scan=True, tmp_path=tmp_path)

    page.get_by_label("Une autre personne").check()
    page.get_by_label(re.compile(r"^Nom de la personne présente")).fill("Paul Lefèvre")
    page.get_by_label(re.compile(r"^À quel titre")).fill("fils")
    page.get_by_role("button", name="Déposer la demande").click()
    page.wait_for_url(re.compile(r"/deposee/$"))
    case = Case.objects.get()
    assert case.person == person and case.documents.filter(field_key="piece").exists()
    assert page.get_by_text("Paul Lefèvre (fils)").count() >= 1
    desk.check("counter-done-desk")
    assert page.get_by_role("link", name=re.compile("accusé de réception")).count() == 1
    page.get_by_role("link", name="Imprimer le récépissé").click()
    page.wait_for_url(re.compile(r"/recepisse/$"))
    assert page.locator(".slip svg").count() == 1 and page.get_by_text(case.reference).count() >= 1
    desk.check("counter-slip-desk")
    page.emulate_media(media="print")
    assert not page.locator(".backoffice-nav").is_visible() and page.locator(".slip").is_visible()
    page.emulate_media(media="screen")

    # A home visit on a tablet (768 px) and the same pages on a phone (390 px): nothing sideways.
    for name, viewport in (("tablet", TABLET), ("phone", {"width": 390, "height": 844})):
        visit = open_visit(browser, axe, commune_a_url, viewport)
        try:
            visit.page.context.add_cookies(page.context.cookies())
            visit.goto(f"/backoffice/guichet/personnes/{person.pk}/")
            visit.page.get_by_label(re.compile(r"^Démarche")).select_option(label=procedure.title)
            visit.page.get_by_label("Visite à domicile").check()
            _no_sideways_scroll(visit)
            visit.check(f"counter-person-{name}")
            visit.page.get_by_role("button", name="Commencer la démarche").click()
            visit.page.wait_for_url(re.compile(r"/backoffice/guichet/demarches/\d+/$"))
            _no_sideways_scroll(visit)
            _fill_and_file(visit, prefix=f"counter-{name}", with_scan=False, tmp_path=tmp_path)
            _no_sideways_scroll(visit)
            visit.page.get_by_role("button", name="Déposer la demande").click()
            visit.page.wait_for_url(re.compile(r"/deposee/$"))
            _no_sideways_scroll(visit)
            visit.check(f"counter-done-{name}")
            visit.goto("/backoffice/guichet/")
            _no_sideways_scroll(visit)
            visit.check(f"counter-home-{name}")
        finally:
            visit.page.context.close()
    assert Case.objects.filter(channel="home_visit").count() == 2


def test_a_resident_shows_the_code_of_an_online_draft_and_the_agent_continues_it(
    desk: Visit, phone: Visit, karim: User, karim_totp: str, counter_desk: Any, tmp_path: Any
) -> None:
    procedure, person = counter_desk
    # On her phone, the resident starts online and saves her draft: the code and its QR code.
    phone.goto(f"/demarches/{procedure.slug}/formulaire/")
    phone.page.get_by_label(re.compile(r"^Objet de la demande")).fill("Commencé sur mon téléphone")
    phone.page.get_by_role("button", name="Enregistrer le brouillon").click()
    phone.page.locator(".resume-qr svg").wait_for()
    _no_sideways_scroll(phone)
    phone.check("counter-citizen-draft-qr-phone")
    code = phone.page.locator(".resume-code strong.code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)

    page = desk.page
    log_in(desk, karim)
    pass_second_factor(desk, karim_totp)
    desk.goto("/backoffice/guichet/")
    page.get_by_label(re.compile(r"^Code de reprise du brouillon")).fill(code.lower())
    page.get_by_role("button", name="Reprendre ce brouillon").click()
    page.wait_for_url(re.compile(r"/backoffice/guichet/reprendre/"))
    desk.check("counter-resume-desk")
    page.get_by_role("searchbox", name="Rechercher une personne").fill("Jeanne")
    page.locator("form[role=search]").get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name=re.compile(r"^Choisir")).first.click()
    page.get_by_role("button", name="Poursuivre ce brouillon avec la personne").wait_for()
    desk.check("counter-resume-chosen-desk")
    page.get_by_role("button", name="Poursuivre ce brouillon avec la personne").click()
    page.wait_for_url(re.compile(r"/backoffice/guichet/demarches/\d+/"))
    assert page.get_by_label(re.compile(r"^Objet de la demande")).input_value() == "Commencé sur mon téléphone"
    _fill_and_file(desk, prefix="counter-handover", with_scan=False, tmp_path=tmp_path)
    page.get_by_role("button", name="Déposer la demande").click()
    page.wait_for_url(re.compile(r"/deposee/$"))
    draft = Draft.objects.get()
    case = Case.objects.get()
    assert draft.submitted_case == case and case.person == person
    assert AssistedFiling.objects.get().draft == draft
    steps = list(case.events.filter(kind=EventKind.CHANNEL_USED, data__has_key="step").values_list("title", flat=True))
    assert steps[:2] == ["Commencée en ligne", "Poursuivie à l'accueil par Karim Benali"]
    assert page.get_by_text("Poursuivie à l'accueil par Karim Benali").count() == 1
    desk.check("counter-handover-done-desk")

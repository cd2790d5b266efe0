"""Issue 3's journey in the demo, in Chromium: Camille asks for a birth certificate on her phone, the
civil-status agent asks a question at her desk, Camille answers, the agent delivers and closes; every
page is checked by axe. Editing the procedure afterwards does not change how the old case displays."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from parvis.accounts.models import User
from parvis.accounts.services import totp_code
from parvis.cases.models import Case
from parvis.demo import services as demo_services
from parvis.demo import territory as T
from parvis.notifications.models import OutboundMessage
from parvis.procedures.models import Procedure
from parvis.procedures.services import publish_procedure, save_draft
from tests.browser.conftest import DESK, PHONE, Visit, host_url, open_visit

pytestmark = pytest.mark.browser

HOST = "admiville.localhost"
CITIZEN = "camille.martin@example.org"
AGENT = "etat-civil@admiville.fr"
QUESTION = "Pouvez-vous préciser la commune de naissance de votre père ?"
ANSWER = "Mon père est né à Admiville, le 12 avril 1960."
DELIVERY_NOTE = "Votre extrait d'acte de naissance est joint à ce message."
OLD_LABEL = "Type de document"
NEW_LABEL = "Type d'acte souhaité"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


WIDER_THAN_SCREEN = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
    .slice(0, 5).map(e => `${e.tagName.toLowerCase()}.${e.className} (${e.textContent.trim().slice(0, 40)})`)"""


@pytest.fixture
def demo(live_server: Any, settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo territory, with a short history, in the live server's database; its Admiville address."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(demo_services, "HISTORY_SIZES", {"admiville": 8, "saint-admi": 3, "admi-les-bois": 2})
    demo_services.load_demo()
    return host_url(live_server, HOST)


@pytest.fixture
def camille(browser: Browser, axe: Axe, demo: str) -> Iterator[Visit]:
    visit = open_visit(browser, axe, demo, PHONE)
    yield visit
    visit.page.context.close()


@pytest.fixture
def agent(browser: Browser, axe: Axe, demo: str) -> Iterator[Visit]:
    visit = open_visit(browser, axe, demo, DESK)
    yield visit
    visit.page.context.close()


def _label(visit: Visit, text: str) -> Any:
    return visit.page.get_by_label(re.compile("^" + re.escape(text)))


def _section(visit: Visit, heading_id: str) -> Any:
    return visit.page.locator(f"section[aria-labelledby='{heading_id}']")


def _press(visit: Visit, button: str) -> None:
    """Click a submit button and wait for the page it leads to."""
    with visit.page.expect_navigation():
        visit.page.get_by_role("button", name=button, exact=True).click()


def _no_sideways_scroll(visit: Visit) -> None:
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        culprits = visit.page.evaluate(WIDER_THAN_SCREEN)
        pytest.fail(f"{visit.page.url} is {overflow}px wider than the screen, because of: {culprits}")


def _log_in(visit: Visit, email: str) -> None:
    visit.goto("/compte/connexion/")
    visit.check("journey-login")
    _label(visit, "Adresse électronique").fill(email)
    _label(visit, "Mot de passe").fill(T.DEMO_PASSWORD)
    visit.page.get_by_role("button", name="Se connecter").click()


def _camille_files_the_request(camille: Visit) -> str:
    _log_in(camille, CITIZEN)
    camille.page.wait_for_url(re.compile(r"/mon-espace/$"))
    camille.check("journey-citizen-space-phone")

    camille.goto("/")
    camille.check("journey-home-phone")
    camille.goto("/demarches/")
    camille.page.get_by_role("search").get_by_label("Rechercher une démarche", exact=False).fill("naissance")
    camille.page.get_by_role("search").get_by_role("button", name="Rechercher").click()
    camille.page.wait_for_url(re.compile(r"q=naissance"))
    camille.check("journey-catalogue-search-phone")
    _no_sideways_scroll(camille)
    camille.page.get_by_role("link", name="Demande d'acte de naissance").click()
    camille.page.wait_for_url(re.compile(r"/demarches/acte-naissance/$"))
    camille.check("journey-procedure-phone")
    camille.page.get_by_role("link", name="Faire la demande en ligne").click()

    assert "L'acte demandé" in camille.page.locator("h1").inner_text()
    camille.check("journey-fill-1-phone")
    _no_sideways_scroll(camille)
    camille.page.get_by_role("radio", name="Extrait avec filiation").check()
    _label(camille, "Nom de la personne").fill("Martin")
    _label(camille, "Prénom(s) de la personne").fill("Camille")
    _label(camille, "Date de naissance").fill("02/03/1990")
    _label(camille, "Nom et prénom du père").fill("Martin Jean")
    _label(camille, "Nom de naissance et prénom de la mère").fill("Durand Sophie")
    camille.page.get_by_role("radio", name="La personne concernée elle-même").check()
    _label(camille, "Nombre d'exemplaires").fill("1")
    camille.page.get_by_role("button", name="Continuer", exact=True).click()

    assert "Réception du document" in camille.page.locator("h1").inner_text()
    camille.check("journey-fill-2-phone")
    _no_sideways_scroll(camille)
    camille.page.get_by_role("radio", name="Retrait à l'accueil de la mairie").check()
    camille.page.get_by_role("button", name="Continuer", exact=True).click()

    assert "Vos coordonnées" in camille.page.locator("h1").inner_text()
    assert _label(camille, "Adresse électronique").input_value() == CITIZEN  # prefilled from her account
    camille.check("journey-fill-3-phone")
    _no_sideways_scroll(camille)
    camille.page.get_by_role("button", name="Continuer", exact=True).click()

    assert "Vérifiez votre demande" in camille.page.locator("h1").inner_text()
    assert camille.page.get_by_text("02/03/1990").count() >= 1
    camille.check("journey-summary-phone")
    _no_sideways_scroll(camille)
    camille.page.get_by_role("button", name="Envoyer ma demande").click()

    assert "Votre demande a été envoyée" in camille.page.locator("h1").inner_text()
    reference = camille.page.locator(".reference strong").inner_text().strip()
    assert re.fullmatch(r"[A-Z]+-\d{4}-\d{6}", reference), reference
    camille.check("journey-submitted-phone")
    _no_sideways_scroll(camille)
    return reference


def _agent_logs_in(agent: Visit) -> None:
    _log_in(agent, AGENT)
    agent.page.wait_for_url(re.compile(r"/compte/double-authentification/"))
    agent.check("journey-otp-desk")
    _label(agent, "Code à 6 chiffres").fill(totp_code(secret_base32=T.DEMO_TOTP_SECRET))
    agent.page.locator("main").get_by_role("button").first.click()
    agent.page.wait_for_url(re.compile(r"/backoffice/$"))
    agent.check("journey-backoffice-home-desk")


def _agent_opens_the_case(agent: Visit, reference: str) -> None:
    agent.goto("/backoffice/demandes/")
    agent.check("journey-queue-desk")
    hidden = agent.page.evaluate("(w => w.scrollWidth - w.clientWidth)(document.querySelector('.table-wrap'))")
    assert hidden <= 0, f"the queue's last columns are {hidden}px out of sight on a 1280-px desk"
    _label(agent, "Rechercher").fill(reference)
    agent.page.get_by_role("button", name="Filtrer").click()
    agent.page.wait_for_url(re.compile(r"q=" + reference))
    rows = agent.page.locator("table.queue-table tbody tr")
    assert rows.count() == 1 and reference in rows.first.inner_text()
    agent.check("journey-queue-search-desk")
    agent.page.get_by_role("link", name=reference).click()
    agent.page.wait_for_url(re.compile(rf"/backoffice/demandes/{reference}/$"))
    assert agent.page.locator("h1").inner_text() == f"Demande {reference}"


def _citizen_case(camille: Visit, reference: str) -> None:
    camille.goto("/mon-espace/demandes/")
    camille.page.get_by_role("link", name=re.compile("Demande d'acte de naissance")).first.wait_for()
    camille.goto(f"/mon-espace/demandes/{reference}/")


def test_camille_and_the_civil_status_agent_go_through_a_birth_certificate_request(
    camille: Visit, agent: Visit
) -> None:
    # a. Camille finds the procedure, fills it on her phone and sends it.
    reference = _camille_files_the_request(camille)
    case = Case.objects.get(reference=reference)
    assert case.requester.email == CITIZEN and case.procedure.slug == "acte-naissance"
    assert case.department is not None and case.department.slug == "etat-civil"
    assert OutboundMessage.objects.filter(event="case.submitted", to=CITIZEN).exists()

    # b. The civil-status agent finds it in the queue and asks a question.
    _agent_logs_in(agent)
    _agent_opens_the_case(agent, reference)
    assert agent.page.get_by_text("Martin Jean").count() == 1
    agent.check("journey-case-desk")
    _label(agent, "Message au demandeur").fill(QUESTION)
    _press(agent, "Envoyer le message")
    assert _section(agent, "historique").get_by_text(QUESTION).count() == 1
    agent.check("journey-case-asked-desk")
    assert OutboundMessage.objects.filter(event="case.message", to=CITIZEN).exists()

    # c. Camille reads it on her case page and answers.
    _citizen_case(camille, reference)
    assert camille.page.locator("#echanges").get_by_text(QUESTION).count() == 1
    assert camille.page.get_by_text("Nouveau message").count() == 1
    camille.check("journey-citizen-case-question-phone")
    _no_sideways_scroll(camille)
    _label(camille, "Votre message").fill(ANSWER)
    _press(camille, "Envoyer le message")
    assert camille.page.locator("#echanges").get_by_text(ANSWER).count() == 1
    camille.check("journey-citizen-case-answered-phone")

    # d. The agent sees the answer, takes the case, sends the certificate and delivers.
    agent.goto(f"/backoffice/demandes/{reference}/")
    assert _section(agent, "historique").get_by_text(ANSWER).count() == 1
    _press(agent, "Prendre en charge")
    assert agent.page.locator(".case-header .status-badge").inner_text() == "En cours d'instruction"
    agent.check("journey-case-in-progress-desk")
    _label(agent, "Message au demandeur").fill(DELIVERY_NOTE)
    _label(agent, "Pièce jointe").set_input_files(
        {"name": "extrait-acte-naissance.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    agent.page.get_by_role("checkbox", name=re.compile("document délivré en réponse")).check()
    _press(agent, "Envoyer le message")
    documents = _section(agent, "documents")
    assert documents.get_by_text("extrait-acte-naissance.pdf").count() == 1
    extract_row = documents.locator("tr", has_text="extrait-acte-naissance.pdf")
    assert extract_row.get_by_text("Délivré par la collectivité").count() == 1
    _label(agent, "Commentaire pour le demandeur").fill("Extrait délivré le jour même.")
    _press(agent, "Délivrer")
    assert agent.page.locator(".case-header .status-badge").inner_text() == "Acte envoyé"
    assert agent.page.locator(".case-header").get_by_text("Close").count() == 1
    agent.check("journey-case-closed-desk")
    case.refresh_from_db()
    assert not case.is_open and case.closed_at is not None and case.status_label == "Acte envoyé"
    # "En cours d'instruction" by the status email; the decision by the decision letter's email (one, not two).
    assert OutboundMessage.objects.filter(event="case.status_changed", to=CITIZEN).count() == 1
    assert OutboundMessage.objects.filter(event="case.decision", to=CITIZEN).count() == 1

    # e. Camille sees every step and the final status.
    _citizen_case(camille, reference)
    assert " ".join(camille.page.locator(".case-badges").inner_text().split()).startswith("Étape : Acte envoyé")
    timeline = _section(camille, "historique").inner_text()
    steps = ["Demande déposée", "Message du service", "Vous avez écrit au service", "En cours d'instruction"]
    steps += ["Document délivré : extrait-acte-naissance.pdf", "Acte envoyé", "Extrait délivré le jour même."]
    for step in steps:
        assert step in timeline, f"« {step} » is missing from Camille's timeline:\n{timeline}"
    assert camille.page.locator("#echanges").get_by_text(DELIVERY_NOTE).count() == 1
    issued = camille.page.locator("#documents ul").first  # « Documents délivrés par l'administration »
    assert issued.get_by_role("link", name="extrait-acte-naissance.pdf").count() == 1
    camille.check("journey-citizen-case-closed-phone")
    _no_sideways_scroll(camille)
    camille.goto("/mon-espace/demandes/")
    assert camille.page.get_by_text("Acte envoyé").count() >= 1
    camille.check("journey-my-cases-phone")

    # Editing the procedure afterwards: the old case keeps the labels of the version it was filed under.
    procedure = Procedure.objects.get(organisation__slug="val-d-admi", slug="acte-naissance")
    version = procedure.published_version
    form = version.form
    assert form["pages"][0]["fields"][0]["label"] == OLD_LABEL
    form["pages"][0]["fields"][0]["label"] = NEW_LABEL
    admin = User.objects.get(email="admin@val-d-admi.fr")
    save_draft(procedure=procedure, form=form, workflow=version.workflow, actor=admin)
    new_version = publish_procedure(procedure=procedure, actor=admin)
    assert new_version.number > version.number
    for visit, path in ((agent, f"/backoffice/demandes/{reference}/"), (camille, f"/mon-espace/demandes/{reference}/")):
        visit.goto(path)
        answers = _section(visit, "reponses").inner_text()
        assert OLD_LABEL in answers and NEW_LABEL not in answers, f"{path} shows the new label:\n{answers}"
        assert "Extrait avec filiation" in answers
    camille.goto("/demarches/acte-naissance/formulaire/")
    assert camille.page.get_by_text(NEW_LABEL).count() >= 1  # new requests get the new version

    # The agent's case page also reads on a phone (long e-mail addresses wrap, no sideways scroll).
    agent.page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    agent.goto(f"/backoffice/demandes/{reference}/")
    agent.check("journey-case-closed-agent-phone")
    _no_sideways_scroll(agent)

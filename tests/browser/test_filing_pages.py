"""Finding and filing a démarche on a 390-px phone, in Chromium: axe on every page, no sideways scroll."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Visit
from tests.factories import published_procedure

pytestmark = pytest.mark.browser

FORM = {
    "pages": [
        {
            "title": "Votre demande",
            "fields": [
                {"key": "intro", "type": "comment", "label": "À savoir", "help": "Réponse sous 10 jours."},
                {
                    "key": "mode",
                    "type": "choice",
                    "label": "Réception",
                    "required": True,
                    "choices": ["Envoi postal", "Retrait en mairie"],
                },
                {
                    "key": "adresse",
                    "type": "address",
                    "label": "Adresse d'envoi",
                    "required": True,
                    "condition": {"field": "mode", "equals": "Envoi postal"},
                },
                {"key": "position", "type": "map_point", "label": "Position (facultatif)"},
                {"key": "jours", "type": "multiple_choice", "label": "Jours", "choices": ["Lundi", "Mardi"]},
                {"key": "montant", "type": "amount", "label": "Montant estimé"},
                {"key": "date", "type": "date", "label": "Date souhaitée", "required": True},
                {
                    "key": "accord",
                    "type": "checkbox",
                    "label": "J'atteste l'exactitude des informations",
                    "required": True,
                },
            ],
        },
        {
            "title": "Détails",
            "fields": [
                {"key": "enfant", "type": "household_member", "label": "Enfant concerné"},
                {
                    "key": "objets",
                    "type": "repeated_block",
                    "label": "Objets",
                    "fields": [
                        {"key": "objet", "type": "text", "label": "Objet"},
                        {"key": "quantite", "type": "number", "label": "Quantité"},
                    ],
                },
                {"key": "piece", "type": "file", "label": "Justificatif"},
                {"key": "siret", "type": "siret", "label": "SIRET"},
            ],
        },
    ]
}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _no_sideways_scroll(visit: Visit) -> None:
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{visit.page.url} is {overflow}px wider than a 390px phone screen"


def test_an_anonymous_resident_finds_and_files_a_procedure_on_a_phone(phone: Visit, territory: Any) -> None:
    published_procedure(
        territory.commune_a, title="Demande de test", slug="test", form=FORM, department=territory.department_a
    )
    phone.goto("/demarches/?q=tests")
    phone.check("procedures-catalogue-phone")
    _no_sideways_scroll(phone)
    phone.page.get_by_role("link", name="Demande de test").click()
    phone.check("procedures-detail-phone")
    phone.page.get_by_role("link", name="Faire la demande en ligne").click()
    # Hidden by the deferred script until « Envoi postal » is chosen (expect waits for it to have run).
    expect(phone.page.locator("[data-show-if='mode']")).to_be_hidden()
    phone.check("procedures-fill-phone")
    _no_sideways_scroll(phone)
    phone.page.get_by_role("button", name="Continuer", exact=True).click()
    phone.page.wait_for_load_state()
    phone.page.locator("#form-errors").wait_for()
    assert phone.page.evaluate("document.activeElement.id") == "form-errors"
    phone.check("procedures-fill-errors-phone")
    phone.page.get_by_label("Envoi postal").check()
    expect(phone.page.locator("[data-show-if='mode']")).to_be_visible()
    phone.page.get_by_label("Numéro et voie").fill("3 rue des Lilas")
    phone.page.get_by_label("Code postal").fill("75011")
    phone.page.get_by_label("Commune").fill("Paris")
    phone.page.get_by_label("Date souhaitée").fill("14/07/2030")
    phone.page.get_by_label("J'atteste").check()
    phone.page.get_by_role("button", name="Continuer", exact=True).click()
    assert "Détails" in phone.page.locator("h1").inner_text()
    phone.page.get_by_role("button", name="Ajouter un autre").click()
    expect(phone.page.get_by_role("group", name="Objets — n° 2")).to_be_visible()
    phone.check("procedures-fill-page2-phone")
    _no_sideways_scroll(phone)
    phone.page.get_by_role("button", name="Continuer", exact=True).click()
    assert "Vérifiez votre demande" in phone.page.locator("h1").inner_text()
    phone.check("procedures-summary-phone")
    _no_sideways_scroll(phone)
    phone.page.get_by_label("Prénom").fill("Camille")
    phone.page.locator("#id_last_name").fill("Martin")
    phone.page.get_by_label("Adresse électronique").fill("camille@example.org")
    phone.page.get_by_role("button", name="Envoyer ma demande").click()
    assert "Votre demande a été envoyée" in phone.page.locator("h1").inner_text()
    phone.check("procedures-submitted-phone")
    _no_sideways_scroll(phone)


def test_resume_and_drafts_pages_are_accessible(phone: Visit, territory: Any) -> None:
    phone.goto("/demarches/reprendre/")
    phone.check("procedures-resume-phone")
    phone.page.get_by_role("button", name="Reprendre").click()
    phone.check("procedures-resume-errors-phone")

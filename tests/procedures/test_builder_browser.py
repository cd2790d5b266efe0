"""The builder in a real Chromium (run with ``-m browser``): no console error (CSP), no serious axe
violation, usable at a desk and readable on a tablet, and the small enhancements of builder.js."""

# ruff: noqa: F811

from __future__ import annotations

import pyotp
import pytest
from django.utils import timezone

from parvis.accounts.models import TOTPDevice, User
from tests.browser.conftest import Visit, axe, browser, commune_a_url, desk, playwright  # noqa: F401
from tests.browser.test_accounts_pages import log_in, pass_second_factor
from tests.factories import published_procedure

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_secret(admin_a: User) -> str:
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=admin_a, secret=secret, confirmed_at=timezone.now())
    return secret


@pytest.fixture
def procedure(territory, admin_a):
    form = {
        "pages": [
            {
                "title": "Votre demande",
                "fields": [
                    {"key": "mode", "type": "choice", "label": "Mode de retrait", "choices": ["Courrier", "Accueil"]},
                    {
                        "key": "adresse",
                        "type": "address",
                        "label": "Adresse d'envoi",
                        "condition": {"field": "mode", "equals": "Courrier"},
                    },
                    {
                        "key": "enfants",
                        "type": "repeated_block",
                        "label": "Enfants",
                        "fields": [{"key": "prenom", "type": "text", "label": "Prénom"}],
                    },
                ],
            }
        ]
    }
    return published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a, form=form)


def _as_admin(visit: Visit, admin: User, secret: str) -> None:
    log_in(visit, admin)
    pass_second_factor(visit, secret)


def test_the_builder_pages_are_accessible_at_a_desk(desk: Visit, admin_a, admin_secret, procedure) -> None:
    _as_admin(desk, admin_a, admin_secret)
    base = f"/backoffice/demarches/{procedure.pk}/"
    for name, path in [
        ("builder-list", "/backoffice/demarches/"),
        ("builder-overview", base),
        ("builder-settings", base + "parametres/"),
        ("builder-form", base + "formulaire/"),
        ("builder-field", base + "formulaire/champs/adresse/"),
        ("builder-workflow", base + "circuit/"),
        ("builder-preview", base + "apercu/"),
        ("builder-version", base + "versions/1/"),
        ("builder-ready", "/backoffice/demarches/catalogue-pret/"),
    ]:
        desk.goto(path)
        desk.check(name)


def test_choosing_the_condition_field_lists_its_choices(desk: Visit, admin_a, admin_secret, procedure) -> None:
    _as_admin(desk, admin_a, admin_secret)
    desk.goto(f"/backoffice/demarches/{procedure.pk}/formulaire/champs/adresse/")
    hint = desk.page.locator("#condition-choices-hint")
    assert hint.inner_text() == "Choix possibles : Courrier · Accueil"
    desk.page.get_by_label("Afficher seulement selon la réponse à").select_option("")
    assert hint.inner_text() == ""


def test_a_field_added_without_an_error_appears_in_the_editor(desk: Visit, admin_a, admin_secret, procedure) -> None:
    _as_admin(desk, admin_a, admin_secret)
    desk.goto(f"/backoffice/demarches/{procedure.pk}/formulaire/")
    desk.page.get_by_label("Type du champ à ajouter", exact=True).select_option("email")
    desk.page.get_by_role("button", name="Ajouter un champ à la page 1").click()
    desk.page.get_by_label("Libellé").fill("Adresse électronique de contact")
    desk.page.get_by_role("button", name="Ajouter le champ").click()
    desk.page.wait_for_load_state()
    assert "Adresse électronique de contact" in desk.page.locator("#champ-adresse_electronique_de_contact").inner_text()
    desk.check("builder-form-after-add")


def test_the_form_editor_is_readable_on_a_tablet(browser, axe, commune_a_url, admin_a, admin_secret, procedure) -> None:
    from tests.browser.conftest import open_visit

    tablet = open_visit(browser, axe, commune_a_url, {"width": 768, "height": 1024})
    try:
        _as_admin(tablet, admin_a, admin_secret)
        for path in ("formulaire/", "circuit/", ""):
            tablet.goto(f"/backoffice/demarches/{procedure.pk}/{path}")
            overflow = tablet.page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path}: the page is {overflow}px wider than the screen"
        tablet.check("builder-overview-tablet")
    finally:
        tablet.page.context.close()

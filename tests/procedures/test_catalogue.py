"""The public catalogue and each procedure's page."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from parvis.procedures.models import Procedure
from parvis.procedures.services import adopt_procedure
from tests.conftest import HOST_A, HOST_B
from tests.factories import DepartmentFactory, published_procedure


def _procedure(organisation, title, slug, theme="etat-civil", **fields):
    procedure = published_procedure(organisation, title=title, slug=slug)
    Procedure.objects.filter(pk=procedure.pk).update(theme=theme, **fields)
    procedure.refresh_from_db()
    return procedure


def _with_search_text(procedure):
    from parvis.procedures.services import _search_text

    Procedure.objects.filter(pk=procedure.pk).update(search_text=_search_text(procedure))


def test_the_catalogue_groups_procedures_by_theme_in_the_theme_order(territory):
    _procedure(territory.commune_a, "Inscription scolaire", "inscription-scolaire", theme="enfance-ecole")
    _procedure(territory.commune_a, "Acte de naissance", "acte-naissance", theme="etat-civil")
    response = Client(HTTP_HOST=HOST_A).get("/demarches/")
    assert response.status_code == 200
    text = response.text
    assert text.index("État civil") < text.index("Acte de naissance") < text.index("Enfance, école et jeunesse")
    assert text.index("Enfance, école et jeunesse") < text.index("Inscription scolaire")
    assert 'href="/demarches/inscription-scolaire/"' in text


def test_search_ignores_accents_case_and_plurals(territory):
    birth = _procedure(territory.commune_a, "Demande d'acte de naissance", "acte-naissance")
    school = _procedure(territory.commune_a, "Inscription scolaire", "inscription-scolaire", theme="enfance-ecole")
    for procedure in (birth, school):
        _with_search_text(procedure)
    client = Client(HTTP_HOST=HOST_A)
    found = client.get("/demarches/", {"q": "NAISSANCES"}).text
    assert escape("Demande d'acte de naissance") in found and "Inscription scolaire" not in found
    by_theme = client.get("/demarches/", {"q": "etat civil"}).text
    assert escape("Demande d'acte de naissance") in by_theme and "Inscription scolaire" not in by_theme
    assert "1 démarche correspond" in by_theme
    assert "Inscription scolaire" in client.get("/demarches/", {"q": "École"}).text


def test_a_search_without_result_helps_the_resident(territory):
    territory.commune_a.phone = "01 02 03 04 05"
    territory.commune_a.save()
    _procedure(territory.commune_a, "Acte de naissance", "acte-naissance")
    response = Client(HTTP_HOST=HOST_A).get("/demarches/", {"q": "piscine"})
    assert response.status_code == 200
    assert "Aucune démarche ne correspond à « piscine »" in response.text
    assert "Essayez avec un autre mot" in response.text and "01 02 03 04 05" in response.text


def test_an_epci_procedure_is_offered_in_every_commune_unless_hidden(territory, epci_admin):
    shared = _procedure(territory.epci, "Collecte des encombrants", "encombrants", theme="dechets")
    own_a = _procedure(territory.commune_a, "Location de salle", "salle", theme="culture-sport")
    adopt_procedure(organisation=territory.commune_b, procedure=shared, actor=epci_admin, hidden=True)
    page_a = Client(HTTP_HOST=HOST_A).get("/demarches/").text
    page_b = Client(HTTP_HOST=HOST_B).get("/demarches/").text
    assert shared.title in page_a and own_a.title in page_a
    assert shared.title not in page_b and own_a.title not in page_b
    assert Client(HTTP_HOST=HOST_B).get("/demarches/salle/").status_code == 404


def test_the_catalogue_keeps_a_bounded_number_of_queries(territory, epci_admin):
    def count() -> int:
        client = Client(HTTP_HOST=HOST_A)
        client.get("/demarches/")  # warm the organisation cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/demarches/", {"q": "demande"}).status_code == 200
        return len(queries)

    shared = _procedure(territory.epci, "Demande partagée 0", "partagee-0")
    _with_search_text(shared)
    few = count()
    for n in range(1, 12):
        procedure = _procedure(territory.commune_a if n % 2 else territory.epci, f"Demande {n}", f"demande-{n}")
        _with_search_text(procedure)
        adopt_procedure(organisation=territory.commune_a, procedure=shared, actor=epci_admin, hidden=False)
    assert count() == few <= 4


def test_the_public_page_tells_everything_before_starting(territory, admin_a):
    procedure = _procedure(
        territory.commune_a,
        "Autorisation de brûlage",
        "brulage",
        who_may_apply="Les particuliers de la commune.",
        documents_needed="Plan de situation\nPièce d'identité",
        cost="Gratuit",
        usual_delay="10 jours",
        silence_rule="sva",
        silence_period=2,
        silence_unit="months",
        department=territory.department_a,
        channels=["web", "counter", "mail"],
    )
    response = Client(HTTP_HOST=HOST_A).get(f"/demarches/{procedure.slug}/")
    assert response.status_code == 200
    text = response.text
    assert "Les particuliers de la commune." in text
    assert "<li>Plan de situation</li>" in text and "<li>Pièce d&#x27;identité</li>" in text
    assert "Gratuit" in text and "10 jours" in text
    assert "Sans réponse de la mairie dans un délai de 2 mois, votre demande est considérée comme acceptée." in text
    department = territory.department_a
    assert department.name in text and department.email in text and department.phone in text
    assert "Du lundi au vendredi" in text
    assert "Site web" in text and "Accueil (guichet)" in text and "Courrier" in text and "Téléphone</li>" not in text
    assert 'href="/demarches/brulage/formulaire/">Faire la demande en ligne' in text


def test_the_public_page_explains_silence_means_rejection(territory):
    procedure = _procedure(
        territory.commune_a, "Aide facultative", "aide", silence_rule="svr", silence_period=4, silence_unit="months"
    )
    text = Client(HTTP_HOST=HOST_A).get(f"/demarches/{procedure.slug}/").text
    assert "Sans réponse de la mairie dans un délai de 4 mois, votre demande est considérée comme refusée." in text


def test_an_epci_procedure_shows_the_communes_own_department_and_fee(territory, epci_admin):
    epci_department = DepartmentFactory(organisation=territory.epci, name="Service déchets de l'agglo")
    shared = _procedure(territory.epci, "Encombrants", "encombrants", department=epci_department, fee_cents=1000)
    office = DepartmentFactory(
        organisation=territory.commune_a, name="Services techniques A", opening_hours="Le mardi de 9 h à 12 h"
    )
    adopt_procedure(
        organisation=territory.commune_a, procedure=shared, actor=epci_admin, department=office, fee_cents=1250
    )
    text_a = Client(HTTP_HOST=HOST_A).get("/demarches/encombrants/").text
    assert "Services techniques A" in text_a and "Le mardi de 9 h à 12 h" in text_a
    assert "12,50\u00a0€" in text_a
    text_b = Client(HTTP_HOST=HOST_B).get("/demarches/encombrants/").text
    assert "10,00\u00a0€" in text_b and "Services techniques A" not in text_b


def test_the_portal_home_links_to_the_catalogue(territory):
    response = Client(HTTP_HOST=HOST_A).get("/")
    assert 'href="/demarches/"' in response.text

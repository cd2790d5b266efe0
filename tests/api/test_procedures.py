"""GET /api/v1/procedures and /procedures/{slug}: the catalogue of the token's organisation."""

from __future__ import annotations

from parvis.procedures.services import adopt_procedure, publish_procedure, save_draft
from parvis.procedures.workflow import default_workflow
from tests.api.conftest import FILE_FORM, Api, token_for
from tests.factories import published_procedure, simple_form


def test_the_list_shows_the_communes_and_its_epcis_procedures_but_not_hidden_or_other_communes(
    territory, agent_a, epci_admin, birth_certificate
):
    published_procedure(territory.epci, actor=epci_admin, title="Collecte des encombrants", slug="encombrants")
    hidden = published_procedure(territory.epci, actor=epci_admin, title="Brûlage de déchets verts", slug="brulage")
    adopt_procedure(organisation=territory.commune_a, procedure=hidden, actor=epci_admin, hidden=True)
    published_procedure(territory.commune_b, title="Démarche de B", slug="demarche-b")

    response = Api(token_for(agent_a, territory.commune_a)).get("/procedures")

    assert response.status_code == 200
    rows = {p["slug"]: p for p in response.json()}
    assert set(rows) == {"acte-naissance", "encombrants"}
    assert rows["encombrants"]["owner"] == "epci"
    assert rows["acte-naissance"]["theme_label"] == "État civil"
    assert rows["acte-naissance"]["version"] == 1


def test_a_procedure_comes_with_its_published_form_and_version_number(territory, citizen, admin_a, birth_certificate):
    save_draft(procedure=birth_certificate, form=simple_form(), workflow=default_workflow(), actor=admin_a)
    token = token_for(citizen, territory.commune_a, scopes=["procedures:read"])

    before = Api(token).get("/procedures/acte-naissance").json()
    assert before["version"] == 1
    assert before["form"] == FILE_FORM  # the draft is not published yet
    assert before["department"]["name"] == "État civil A"
    assert "considérée comme acceptée" in before["silence_text"]  # the factory's SVA, 2 months

    publish_procedure(procedure=birth_certificate, actor=admin_a)
    after = Api(token).get("/procedures/acte-naissance").json()
    assert after["version"] == 2
    assert after["form"] == simple_form()


def test_another_communes_procedure_is_not_found(territory, agent_a):
    published_procedure(territory.commune_b, title="Démarche de B", slug="demarche-b")
    response = Api(token_for(agent_a, territory.commune_a)).get("/procedures/demarche-b")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}


def test_reading_procedures_needs_the_scope(territory, agent_a, birth_certificate):
    token = token_for(agent_a, territory.commune_a, scopes=["cases:read"])
    assert Api(token).get("/procedures").status_code == 403
    assert Api(token).get("/procedures/acte-naissance").status_code == 403

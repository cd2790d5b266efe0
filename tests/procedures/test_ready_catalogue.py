import pytest

from parvis.procedures.formengine import validate_form_definition
from parvis.procedures.ready_catalogue import READY_CATALOGUE
from parvis.procedures.services import ProcedureError, install_ready_catalogue, publish_procedure, save_draft
from parvis.procedures.workflow import Workflow, default_workflow
from tests.factories import published_procedure

# PRODUCT §4.3: the procedures the ready catalogue must offer.
REQUIRED = {
    "acte-naissance",
    "acte-mariage",
    "acte-deces",
    "inscription-listes-electorales",
    "recensement-citoyen",
    "rendez-vous-titre-identite",
    "inscription-scolaire",
    "inscription-restauration-scolaire",
    "place-creche",
    "signalement-espace-public",
    "collecte-encombrants",
    "demande-intervention",
    "question-elus",
    "debit-boissons-temporaire",
    "brulage-dechets-verts",
    "occupation-domaine-public",
    "certificat-urbanisme",
    "reservation-salle",
    "inscription-mediatheque",
}


def test_the_ready_catalogue_covers_the_common_procedures():
    assert {entry["slug"] for entry in READY_CATALOGUE} >= REQUIRED


@pytest.mark.parametrize("entry", READY_CATALOGUE, ids=lambda e: e["slug"])
def test_each_ready_procedure_has_a_valid_form_and_workflow_with_unique_keys(entry):
    assert validate_form_definition(entry["form"]) == []
    Workflow.from_json(entry["workflow"])
    keys = [f["key"] for page in entry["form"]["pages"] for f in page["fields"]]
    assert len(keys) == len(set(keys))


def test_the_ready_catalogue_installs_published_in_an_organisation(territory):
    installed = install_ready_catalogue(organisation=territory.epci, actor=None)
    assert len(installed) == len(READY_CATALOGUE)
    assert all(p.published_version_id for p in installed)
    assert install_ready_catalogue(organisation=territory.epci, actor=None) == []


def test_a_form_with_problems_cannot_be_published(territory, admin_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a)
    broken = {"pages": [{"title": "P", "fields": [{"key": "c", "type": "choice", "label": "Choix", "choices": []}]}]}
    save_draft(procedure=procedure, form=broken, workflow=default_workflow(), actor=admin_a)
    with pytest.raises(ProcedureError, match="ne peut pas être publié"):
        publish_procedure(procedure=procedure, actor=admin_a)

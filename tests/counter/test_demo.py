"""The counter's demo examples: Jeanne Lefèvre's counter case and Camille's draft with a known code."""

from __future__ import annotations

import pytest

from parvis.cases.enums import Channel
from parvis.cases.models import Case, Draft
from parvis.counter.demo import load_examples
from parvis.procedures.ready_catalogue import READY_CATALOGUE
from tests.counter.helpers import counter_agent
from tests.factories import published_procedure


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_demo_has_a_counter_case_for_a_light_identity_and_a_draft_to_continue_by_code(territory, admin_a, citizen):
    counter_agent(territory.commune_a, email="accueil@admiville.fr")
    for entry in READY_CATALOGUE:
        if entry["slug"] in {"acte-naissance", "acte-mariage"}:
            published_procedure(
                territory.commune_a, actor=admin_a, slug=entry["slug"], title=entry["title"], form=entry["form"]
            )
    lines = load_examples(organisations={"admiville": territory.commune_a}, citizen=citizen)
    assert len(lines) == 2 and "DEMA-RCHE" in lines[1]
    case = Case.objects.get()
    assert case.channel == Channel.COUNTER and case.person.user is None and case.person.last_name == "Lefèvre"
    assert case.events.filter(body__contains="Paul Lefèvre (fils)").exists()
    draft = Draft.objects.get(resume_code="DEMARCHE")
    assert draft.user == citizen and draft.answers["type_acte"] == "Extrait avec filiation"
    assert load_examples(organisations={"admiville": territory.commune_a}, citizen=citizen) == []  # idempotent

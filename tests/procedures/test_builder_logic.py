"""The builder's operations on form definitions and workflows, without HTTP."""

from __future__ import annotations

import pytest

from parvis.procedures import builder
from parvis.procedures.builder import BuilderError
from parvis.procedures.formengine import validate_form_definition
from parvis.procedures.ready_catalogue import READY_CATALOGUE
from parvis.procedures.workflow import default_workflow
from tests.factories import simple_form


def test_keys_are_made_from_labels_without_accents_and_kept_unique():
    assert builder.make_key("Date de naissance de l'enfant") == "date_de_naissance_de_l_enfant"
    assert builder.make_key("Numéro SIRET", {"numero_siret"}) == "numero_siret_2"
    assert builder.make_key("2e adresse") == "champ_2e_adresse"
    assert builder.make_key("???") == "champ"
    long = builder.make_key("Une question " * 10)
    assert len(long) <= 40 and not long.endswith("_")


def test_every_ready_catalogue_form_passes_the_checks_the_builder_applies_before_publishing():
    for entry in READY_CATALOGUE:
        assert validate_form_definition(entry["form"]) == [], entry["slug"]
        assert builder.structural_problems(entry["form"]) == [], entry["slug"]


def test_moving_a_field_is_refused_when_a_condition_would_point_forward():
    form = simple_form()
    form["pages"][0]["fields"][1]["condition"] = {"field": "objet", "equals": "x"}
    with pytest.raises(BuilderError, match="doit rester placé avant lui"):
        builder.move_field(form, "details", -1)
    assert [f["key"] for f in form["pages"][0]["fields"]] == ["objet", "details"]  # the input is not changed


def test_renaming_a_key_carries_the_conditions_that_point_at_it():
    form = simple_form()
    form["pages"][0]["fields"][1]["condition"] = {"field": "objet", "equals": "x"}
    new = builder.replace_field(form, "objet", {"key": "sujet", "type": "text", "label": "Sujet"})
    assert new["pages"][0]["fields"][1]["condition"] == {"field": "sujet", "equals": "x"}


def test_new_problems_ignore_those_already_there_and_an_empty_block_being_built():
    form = simple_form()
    form["pages"].append({"title": "", "fields": []})
    with_block = builder.insert_field(form, {"key": "enfants", "type": "repeated_block", "label": "Enfants"})
    assert builder.new_problems(form, with_block) == []
    broken = builder.insert_field(form, {"key": "x", "type": "choice", "label": "X", "choices": []})
    assert builder.new_problems(form, broken) == ["Page 1, champ « X » : indiquez au moins un choix possible."]


def test_the_diff_names_fields_added_removed_changed_and_moved():
    old = simple_form()
    new = simple_form()
    new["pages"][0]["fields"].reverse()
    new["pages"][0]["fields"][0]["help"] = "Précisez"
    new["pages"][0]["fields"].append({"key": "piece", "type": "file", "label": "Pièce"})
    workflow = default_workflow()
    changed_workflow = default_workflow()
    changed_workflow["statuses"][0]["label"] = "Arrivée"
    diff = builder.diff_forms(old, new, workflow, changed_workflow)
    assert diff.added == ["Pièce"] and diff.removed == []
    assert diff.changed == [("Précisions", ["texte d'aide"])]
    assert set(diff.moved) == {"Précisions", "Objet de la demande"}
    assert diff.workflow == ["Étape modifiée : « Arrivée »"]
    assert builder.diff_forms(old, simple_form(), workflow, default_workflow()).empty


def test_removing_a_status_removes_the_actions_that_led_to_it_only():
    workflow = builder.remove_status(default_workflow(), "awaiting_citizen")
    keys = [t["key"] for t in workflow["transitions"]]
    assert "ask_citizen" not in keys and "resume" not in keys
    reject = next(t for t in workflow["transitions"] if t["key"] == "reject")
    assert reject["from"] == ["received", "in_progress"]


def test_notification_is_switched_without_losing_other_actions():
    actions = [{"type": "notify_citizen"}, {"type": "message", "text": "Bonjour"}]
    assert builder.with_notification(actions, False) == [{"type": "message", "text": "Bonjour"}]
    assert builder.with_notification(actions[1:], True) == actions

"""The procedure builder through HTTP, as an administrator of commune A (and the others who may not use it)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from parvis.audit.models import AuditEvent
from parvis.cases.services import submit_case
from parvis.procedures.models import Procedure, ProcedureVersion
from parvis.procedures.services import adopt_procedure, save_draft
from parvis.procedures.workflow import default_workflow
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import published_procedure, simple_form

LIST = "/backoffice/demarches/"


def url(procedure, path=""):
    return f"/backoffice/demarches/{procedure.pk}/{path}"


@pytest.fixture
def procedure(territory, admin_a):
    return published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)


@pytest.fixture
def admin(admin_a):
    return logged_in(admin_a, HOST_A)


def current_form(procedure):
    return ProcedureVersion.objects.filter(procedure=procedure).order_by("-number").first().form


def keys(procedure):
    return [[f["key"] for f in page["fields"]] for page in current_form(procedure)["pages"]]


def text(response):
    return response.content.decode()


def make_case(territory, procedure, answers=None):
    return submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers=answers or {"objet": "Copie intégrale"},
        requester=None,
        requester_name="Camille Martin",
        requester_email="camille@example.org",
        actor=None,
    ).case


# -- Who may use the builder ---------------------------------------------------------------------


def test_an_administrator_sees_the_procedures_with_their_version_and_number_of_cases(territory, procedure, admin):
    make_case(territory, procedure)
    response = admin.get(LIST)
    assert response.status_code == 200
    page = text(response)
    assert "Demande d&#x27;acte de naissance" in page
    assert "v1 du" in page
    assert '<td data-label="Demandes">1</td>' in page
    assert 'href="/backoffice/demarches/"' in page and ">Démarches</a>" in page  # the menu entry


def test_an_agent_without_the_admin_role_is_refused(territory, procedure, agent_a):
    agent = logged_in(agent_a, HOST_A)
    assert agent.get(LIST).status_code == 403
    assert agent.get(url(procedure)).status_code == 403
    assert agent.post(url(procedure, "publier/")).status_code == 403
    assert ">Démarches</a>" not in text(agent.get("/backoffice/"))


def test_an_administrator_of_commune_b_cannot_reach_commune_a_procedures(territory, procedure):
    from tests.factories import MembershipFactory, UserFactory

    admin_b = UserFactory(email="admin-b@commune-b.test")
    MembershipFactory(user=admin_b, organisation=territory.commune_b, role="admin")
    client = logged_in(admin_b, HOST_B)
    assert client.get(url(procedure)).status_code == 404
    assert client.get(url(procedure, "formulaire/champs/objet/")).status_code == 404
    assert client.post(url(procedure, "formulaire/champs/objet/supprimer/")).status_code == 404
    assert client.get(url(procedure, "exporter/")).status_code == 404
    assert "acte de naissance" not in text(client.get(LIST))
    assert keys(procedure) == [["objet", "details"]]


def test_the_epci_administrator_edits_a_commune_procedure_on_its_hostname(territory, procedure, epci_admin):
    client = logged_in(epci_admin, HOST_A)
    response = client.post(url(procedure, "formulaire/pages/1/champs/ajouter/?type=email"), {"label": "Courriel"})
    assert response.status_code == 302
    assert keys(procedure) == [["objet", "details", "courriel"]]


# -- Creating a procedure ------------------------------------------------------------------------


def test_a_new_procedure_starts_as_a_draft_with_a_blank_page_and_the_standard_workflow(territory, admin):
    response = admin.post(
        LIST + "nouvelle/",
        {"title": "Prêt de matériel", "summary": "Emprunter des tables et des chaises", "theme": "culture-sport"},
    )
    procedure = Procedure.objects.get(organisation=territory.commune_a, slug="pret-de-materiel")
    assert response["Location"] == url(procedure, "formulaire/")
    assert procedure.status == "draft"
    version = procedure.versions.get()
    assert version.form["pages"][0]["fields"] == [] and version.workflow == default_workflow()
    assert AuditEvent.objects.filter(action="procedure.created", object_id=str(procedure.pk)).exists()


def test_creating_a_procedure_with_bad_input_keeps_what_was_typed_with_french_errors(territory, procedure, admin):
    response = admin.post(
        LIST + "nouvelle/", {"title": "Une démarche au titre soigné", "slug": "acte-naissance", "theme": "contact"}
    )
    assert response.status_code == 200
    page = text(response)
    assert "Une démarche au titre soigné" in page
    assert "Indiquez un résumé en une phrase." in page
    assert "utilise déjà l&#x27;identifiant « acte-naissance »" in page
    reserved = admin.post(LIST + "nouvelle/", {"title": "T", "summary": "S", "theme": "contact", "slug": "brouillons"})
    assert "est réservé" in text(reserved)
    assert Procedure.objects.filter(organisation=territory.commune_a).count() == 1


# -- Settings ----------------------------------------------------------------------------------


def settings_data(**changes):
    data = {
        "title": "Demande d'acte de naissance",
        "slug": "acte-naissance",
        "summary": "Obtenir une copie",
        "theme": "etat-civil",
        "cost": "Gratuit",
        "fee": "",
        "usual_delay": "10 jours",
        "channels": ["web", "counter"],
        "allows_anonymous": "on",
        "legal_nature": "demande",
        "silence_rule": "sva",
        "silence_period": "2",
        "silence_unit": "months",
        "legal_basis": "Code des relations entre le public et l'administration, art. L231-1",
        "recourse_period": "2",
        "recourse_unit": "months",
        "recourse_court_kind": "administrative",
        "final_disposition": "destroy",
        "instructions_for_agents": "Vérifier la filiation.",
        "who_may_apply": "La personne concernée",
        "documents_needed": "Pièce d'identité\nLivret de famille",
    }
    data.update(changes)
    return data


def test_settings_change_without_a_new_version_and_are_journaled(territory, procedure, admin):
    response = admin.post(
        url(procedure, "parametres/"),
        settings_data(fee="12,50", silence_rule="sva", silence_period="2", department=territory.department_a.pk),
    )
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.fee_cents == 1250 and procedure.silence_rule == "sva" and procedure.silence_period == 2
    assert procedure.channels == ["web", "counter"] and procedure.documents_list == [
        "Pièce d'identité",
        "Livret de famille",
    ]
    assert procedure.versions.count() == 1
    event = AuditEvent.objects.get(action="procedure.settings_changed", object_id=str(procedure.pk))
    assert event.after["fee_cents"] == 1250 and event.before["fee_cents"] is None
    public = admin.get("/demarches/acte-naissance/")
    assert "12,50" in text(public) and "considérée comme acceptée" in text(public)


def test_bad_settings_keep_what_was_typed_with_french_errors(territory, procedure, admin):
    response = admin.post(
        url(procedure, "parametres/"),
        settings_data(title="Titre modifié", fee="douze euros", silence_rule="svr", silence_period="", channels=[]),
    )
    assert response.status_code == 200
    page = text(response)
    assert 'value="Titre modifié"' in page and 'value="douze euros"' in page
    assert "Indiquez un montant en euros" in page
    assert "Indiquez le délai au bout duquel le silence vaut décision." in page
    assert "Cochez au moins un canal" in page
    assert "Le formulaire contient 3 erreurs" in page
    procedure.refresh_from_db()
    assert procedure.title == "Demande d'acte de naissance"


# -- Fields --------------------------------------------------------------------------------------


def test_a_field_added_gets_a_key_made_from_its_label_unique_in_the_form(territory, procedure, admin):
    add = url(procedure, "formulaire/pages/1/champs/ajouter/?type=date")
    assert "Ajouter un champ « Date »" in text(admin.get(add))
    admin.post(add, {"label": "Date de naissance", "required": "on", "max": "aujourd'hui"})
    admin.post(add, {"label": "Date de naissance", "min": "01/01/1900"})
    form = current_form(procedure)
    fields = form["pages"][0]["fields"]
    assert [f["key"] for f in fields] == ["objet", "details", "date_de_naissance", "date_de_naissance_2"]
    assert fields[2] == {
        "key": "date_de_naissance",
        "type": "date",
        "label": "Date de naissance",
        "required": True,
        "validation": {"max": "today"},
    }
    assert fields[3]["validation"] == {"min": "1900-01-01"}
    editor = text(admin.get(url(procedure, "formulaire/")))
    assert "date_de_naissance_2" in editor and "Vous modifiez le brouillon (version 2)" in editor


def test_a_choice_field_without_choices_is_refused_and_what_was_typed_is_kept(territory, procedure, admin):
    response = admin.post(
        url(procedure, "formulaire/pages/1/champs/ajouter/?type=choice"),
        {"label": "Mode de retrait", "help": "Comment souhaitez-vous recevoir le document ?", "choices": "  \n"},
    )
    assert response.status_code == 200
    page = text(response)
    assert "Indiquez au moins un choix possible, un par ligne." in page
    assert 'value="Mode de retrait"' in page and "Comment souhaitez-vous recevoir le document ?" in page
    assert keys(procedure) == [["objet", "details"]]
    duplicate = admin.post(
        url(procedure, "formulaire/pages/1/champs/ajouter/?type=choice"),
        {"label": "Mode", "choices": "Courrier\nCourrier", "key": "objet"},
    )
    assert "Ces choix figurent deux fois : « Courrier »." in text(duplicate)
    assert "L&#x27;identifiant « objet » est déjà utilisé par un autre champ." in text(duplicate)


def test_a_field_is_edited_with_the_settings_of_its_type(territory, procedure, admin):
    admin.post(
        url(procedure, "formulaire/pages/1/champs/ajouter/?type=number"),
        {"label": "Nombre d'exemplaires", "key": "exemplaires"},
    )
    edit = url(procedure, "formulaire/champs/exemplaires/")
    response = admin.post(edit, {"label": "Nombre de copies", "key": "exemplaires", "min": "1", "max": "0,5"})
    assert "Le maximum doit être supérieur ou égal au minimum." in text(response)
    admin.post(edit, {"label": "Nombre de copies", "key": "exemplaires", "required": "on", "min": "1", "max": "5"})
    spec = current_form(procedure)["pages"][0]["fields"][2]
    assert spec == {
        "key": "exemplaires",
        "type": "number",
        "label": "Nombre de copies",
        "required": True,
        "validation": {"min": 1, "max": 5},
    }
    page = text(admin.get(edit))
    assert 'value="Nombre de copies"' in page and 'value="5"' in page
    file_field = url(procedure, "formulaire/pages/1/champs/ajouter/?type=file")
    admin.post(
        file_field, {"label": "Justificatif", "allowed_types": ["application/pdf"], "max_files": "2", "max_mb": "5"}
    )
    assert current_form(procedure)["pages"][0]["fields"][3]["validation"] == {
        "allowed_types": ["application/pdf"],
        "max_files": 2,
        "max_mb": 5,
    }


def test_the_key_of_a_field_of_the_published_version_cannot_change(territory, procedure, admin):
    response = admin.get(url(procedure, "formulaire/champs/objet/"))
    assert "ne peut plus changer" in text(response)
    admin.post(url(procedure, "formulaire/champs/objet/"), {"label": "Objet", "key": "sujet", "required": "on"})
    assert keys(procedure) == [["objet", "details"]]
    assert current_form(procedure)["pages"][0]["fields"][0]["label"] == "Objet"


def test_a_condition_must_be_on_an_earlier_field_and_on_one_of_its_choices(territory, procedure, admin):
    add = url(procedure, "formulaire/pages/1/champs/ajouter/?type={}")
    admin.post(add.format("choice"), {"label": "Mode de retrait", "choices": "Courrier\nAccueil de la mairie"})
    admin.post(add.format("checkbox"), {"label": "Je certifie l'exactitude", "key": "certifie"})
    wrong = admin.post(
        add.format("address"),
        {"label": "Adresse d'envoi", "condition_field": "mode_de_retrait", "condition_values": "Par pigeon"},
    )
    page = text(wrong)
    assert "Ces réponses ne sont pas des choix de « Mode de retrait » : « Par pigeon »." in page
    assert "Choix possibles : « Courrier », « Accueil de la mairie »." in page
    unknown = admin.post(add.format("address"), {"label": "Adresse", "condition_field": "plus_tard"})
    assert "Sélectionnez un choix valide" in text(unknown)
    missing_value = admin.post(add.format("address"), {"label": "Adresse", "condition_field": "certifie"})
    assert "Indiquez la réponse qui fait apparaître ce champ." in text(missing_value)
    admin.post(
        add.format("address"),
        {"label": "Adresse d'envoi", "condition_field": "mode_de_retrait", "condition_values": "Courrier"},
    )
    admin.post(add.format("text"), {"label": "Remarque", "condition_field": "certifie", "condition_values": "oui"})
    fields = current_form(procedure)["pages"][0]["fields"]
    assert fields[4]["condition"] == {"field": "mode_de_retrait", "equals": "Courrier"}
    assert fields[5]["condition"] == {"field": "certifie", "equals": True}
    # The condition choices only list fields placed before: the first field has none.
    assert "condition_field" not in text(admin.get(url(procedure, "formulaire/champs/objet/")))


def test_changing_the_choices_a_later_condition_relies_on_is_refused(territory, procedure, admin):
    add = url(procedure, "formulaire/pages/1/champs/ajouter/?type={}")
    admin.post(add.format("choice"), {"label": "Mode", "choices": "Courrier\nAccueil"})
    admin.post(add.format("address"), {"label": "Adresse", "condition_field": "mode", "condition_values": "Courrier"})
    response = admin.post(
        url(procedure, "formulaire/champs/mode/"), {"label": "Mode", "key": "mode", "choices": "Accueil"}
    )
    assert response.status_code == 200
    assert "la condition porte sur une valeur qui n&#x27;est pas un choix" in text(response)
    assert current_form(procedure)["pages"][0]["fields"][2]["choices"] == ["Courrier", "Accueil"]


def test_a_field_cannot_move_above_or_lose_the_field_it_depends_on(territory, procedure, admin):
    add = url(procedure, "formulaire/pages/1/champs/ajouter/?type={}")
    admin.post(add.format("checkbox"), {"label": "Envoi postal", "key": "envoi"})
    admin.post(add.format("address"), {"label": "Adresse", "condition_field": "envoi", "condition_values": "oui"})
    response = admin.post(url(procedure, "formulaire/champs/adresse/deplacer/"), {"direction": "up"}, follow=True)
    assert "« Adresse » s&#x27;affiche selon la réponse à « Envoi postal », qui doit rester placé avant lui." in text(
        response
    )
    response = admin.post(url(procedure, "formulaire/champs/envoi/supprimer/"), follow=True)
    assert "« Adresse » s&#x27;affiche selon la réponse à un champ supprimé" in text(response)
    assert keys(procedure) == [["objet", "details", "envoi", "adresse"]]


def test_a_map_point_needs_an_address_field(territory, procedure, admin):
    add = url(procedure, "formulaire/pages/1/champs/ajouter/?type={}")
    response = admin.post(add.format("map_point"), {"label": "Lieu exact"})
    assert "un point sur la carte doit être accompagné d&#x27;un champ adresse" in text(response)
    admin.post(add.format("address"), {"label": "Adresse du problème", "key": "adresse"})
    admin.post(add.format("map_point"), {"label": "Lieu exact"})
    assert keys(procedure) == [["objet", "details", "adresse", "lieu_exact"]]
    response = admin.post(url(procedure, "formulaire/champs/adresse/supprimer/"), follow=True)
    assert "Le point sur la carte « Lieu exact » doit être accompagné d&#x27;un champ adresse" in text(response)
    assert keys(procedure) == [["objet", "details", "adresse", "lieu_exact"]]


def test_fields_move_up_and_down_and_onto_the_neighbouring_page_then_are_deleted(territory, procedure, admin):
    admin.post(url(procedure, "formulaire/pages/ajouter/"), {"title": "Vos coordonnées"})
    admin.post(url(procedure, "formulaire/pages/2/champs/ajouter/?type=email"), {"label": "Courriel"})
    admin.post(url(procedure, "formulaire/champs/details/deplacer/"), {"direction": "up"})
    assert keys(procedure) == [["details", "objet"], ["courriel"]]
    admin.post(url(procedure, "formulaire/champs/objet/deplacer/"), {"direction": "down"})
    assert keys(procedure) == [["details"], ["objet", "courriel"]]
    admin.post(url(procedure, "formulaire/champs/objet/deplacer/"), {"direction": "up"})
    assert keys(procedure) == [["details", "objet"], ["courriel"]]
    response = admin.post(url(procedure, "formulaire/champs/details/supprimer/"))
    assert response.status_code == 302
    assert keys(procedure) == [["objet"], ["courriel"]]


def test_pages_are_added_renamed_moved_and_deleted(territory, procedure, admin):
    empty = admin.post(url(procedure, "formulaire/pages/ajouter/"), {"title": ""})
    assert empty.status_code == 400 and "Indiquez le titre de la page." in text(empty)
    admin.post(url(procedure, "formulaire/pages/ajouter/"), {"title": "Pièces justificatives"})
    assert "Page 2 : ajoutez au moins un champ." in text(admin.get(url(procedure, "formulaire/")))
    admin.post(url(procedure, "formulaire/pages/2/"), {"title": "Vos pièces"})
    admin.post(url(procedure, "formulaire/pages/2/deplacer/"), {"direction": "up"})
    titles = [p["title"] for p in current_form(procedure)["pages"]]
    assert titles == ["Vos pièces", "Votre demande"]
    admin.post(url(procedure, "formulaire/pages/1/supprimer/"))
    assert [p["title"] for p in current_form(procedure)["pages"]] == ["Votre demande"]
    last = admin.post(url(procedure, "formulaire/pages/1/supprimer/"), follow=True)
    assert "Le formulaire doit garder au moins une page." in text(last)


def test_a_repeated_block_gets_its_own_sub_fields(territory, procedure, admin):
    admin.post(
        url(procedure, "formulaire/pages/1/champs/ajouter/?type=repeated_block"), {"label": "Enfants", "max": "6"}
    )
    assert "un bloc répétable doit contenir des champs" in text(admin.get(url(procedure, "formulaire/")))
    refused = admin.get(url(procedure, "formulaire/champs/enfants/ajouter/?type=file"))
    assert refused.status_code == 404  # files do not go in repeated blocks
    admin.post(url(procedure, "formulaire/champs/enfants/ajouter/?type=text"), {"label": "Prénom", "required": "on"})
    admin.post(url(procedure, "formulaire/champs/enfants/ajouter/?type=date"), {"label": "Date de naissance"})
    admin.post(url(procedure, "formulaire/champs/enfants__date_de_naissance/deplacer/"), {"direction": "up"})
    admin.post(url(procedure, "formulaire/champs/enfants__prenom/"), {"label": "Prénom de l'enfant", "key": "prenom"})
    block = current_form(procedure)["pages"][0]["fields"][2]
    assert block["validation"] == {"max": 6}
    assert block["fields"] == [
        {"key": "date_de_naissance", "type": "date", "label": "Date de naissance"},
        {"key": "prenom", "type": "text", "label": "Prénom de l'enfant"},
    ]
    admin.post(url(procedure, "formulaire/champs/enfants/"), {"label": "Vos enfants", "key": "enfants", "max": "4"})
    block = current_form(procedure)["pages"][0]["fields"][2]
    assert block["label"] == "Vos enfants" and len(block["fields"]) == 2  # editing the block keeps its sub-fields
    admin.post(url(procedure, "formulaire/champs/enfants__prenom/supprimer/"))
    last = admin.post(url(procedure, "formulaire/champs/enfants__date_de_naissance/supprimer/"), follow=True)
    assert "Un bloc répétable doit garder au moins un champ" in text(last)


# -- Preview, versions, publication ----------------------------------------------------------------


def test_the_preview_renders_the_citizen_form_and_checks_a_page_without_saving(territory, procedure, admin):
    response = admin.get(url(procedure, "apercu/"))
    page = text(response)
    assert response.status_code == 200
    assert 'name="objet"' in page and "Objet de la demande" in page and "(obligatoire)" in page
    events = AuditEvent.objects.count()
    checked = admin.post(url(procedure, "apercu/?page=1"), {"objet": "", "details": "Un détail tapé"})
    assert "La page contient 1 erreur" in text(checked) and "Un détail tapé" in text(checked)
    accepted = admin.post(url(procedure, "apercu/?page=1"), {"objet": "Copie", "details": ""})
    assert "Les réponses de cette page sont acceptées." in text(accepted)
    assert AuditEvent.objects.count() == events and procedure.versions.count() == 1


def test_the_preview_adds_repeated_items_and_lists_fields_shown_by_an_earlier_page(territory, admin, admin_a):
    form = {
        "pages": [
            {"title": "Famille", "fields": [{"key": "a_enfants", "type": "checkbox", "label": "J'ai des enfants"}]},
            {
                "title": "Enfants",
                "fields": [
                    {
                        "key": "enfants",
                        "type": "repeated_block",
                        "label": "Vos enfants",
                        "condition": {"field": "a_enfants", "equals": True},
                        "fields": [{"key": "prenom", "type": "text", "label": "Prénom"}],
                    },
                    {"key": "remarque", "type": "text", "label": "Remarque"},
                ],
            },
        ]
    }
    procedure = published_procedure(territory.commune_a, slug="famille", actor=admin_a, form=form)
    page = text(admin.get(url(procedure, "apercu/?page=2")))
    assert "Vos enfants — si « J&#x27;ai des enfants » vaut cochée" in page
    block = {**form["pages"][1]["fields"][0], "condition": None}
    procedure = published_procedure(
        territory.commune_a, slug="enfants", actor=admin_a, form={"pages": [{"title": "Enfants", "fields": [block]}]}
    )
    added = admin.post(
        url(procedure, "apercu/?page=1"), {"enfants__count": "1", "enfants__0__prenom": "Léa", "_action": "add:enfants"}
    )
    assert "Vos enfants — n° 2" in text(added) and 'value="Léa"' in text(added)


def test_publishing_makes_version_2_and_a_case_filed_under_version_1_keeps_its_labels(
    territory, procedure, admin, agent_a
):
    case = make_case(territory, procedure, {"objet": "Copie intégrale", "details": "Pour un mariage"})
    admin.post(url(procedure, "formulaire/champs/objet/"), {"label": "Type de copie souhaitée", "key": "objet"})
    overview = text(admin.get(url(procedure)))
    assert "Type de copie souhaitée : libellé" in overview and "Publier la version 2" in overview
    response = admin.post(url(procedure, "publier/"), follow=True)
    assert "La version 2 de « Demande d&#x27;acte de naissance » est publiée." in text(response)
    procedure.refresh_from_db()
    assert procedure.published_version.number == 2
    case.refresh_from_db()
    assert case.version.number == 1
    detail = text(logged_in(agent_a, HOST_A).get(f"/backoffice/demandes/{case.reference}/"))
    assert "Objet de la demande" in detail and "Type de copie souhaitée" not in detail
    assert "Copie intégrale" in detail
    v1 = text(admin.get(url(procedure, "versions/1/")))
    assert "Objet de la demande" in v1 and "Type de copie souhaitée" not in v1
    assert "Objet de la demande" in text(admin.get(url(procedure, "apercu/?version=1")))
    assert "Type de copie souhaitée" in text(admin.get(url(procedure, "apercu/")))
    history = text(admin.get(url(procedure)))
    assert "Version 2" in history and "Version 1" in history and "Armand" in history


def test_publishing_a_form_with_problems_lists_them_in_french(territory, admin):
    response = admin.post(LIST + "nouvelle/", {"title": "Vide", "summary": "Rien", "theme": "contact"})
    procedure = Procedure.objects.get(slug="vide")
    response = admin.post(url(procedure, "publier/"), follow=True)
    page = text(response)
    assert "Page 1 : ajoutez au moins un champ." in page
    assert "La démarche n&#x27;est pas publiée : corrigez d&#x27;abord ces points." in page
    procedure.refresh_from_db()
    assert procedure.status == "draft" and procedure.published_version is None


def test_the_overview_summarises_what_the_draft_adds_removes_and_changes(territory, procedure, admin_a):
    form = simple_form()
    form["pages"][0]["fields"][1]["required"] = True
    del form["pages"][0]["fields"][0]
    form["pages"][0]["fields"].append({"key": "motif", "type": "long_text", "label": "Motif"})
    save_draft(procedure=procedure, form=form, workflow=default_workflow(), actor=admin_a)
    page = text(logged_in(admin_a, HOST_A).get(url(procedure)))
    assert "Ajouté</span> Motif" in page
    assert "Supprimé</span> Objet de la demande" in page
    assert "Modifié</span> Précisions : obligatoire ou non" in page


def test_archiving_takes_a_procedure_out_of_the_catalogue_and_back(territory, procedure, admin):
    admin.post(url(procedure, "archiver/"), {"archived": "1"})
    assert admin.get("/demarches/acte-naissance/").status_code == 404
    admin.post(url(procedure, "archiver/"), {"archived": "0"})
    assert admin.get("/demarches/acte-naissance/").status_code == 200
    assert AuditEvent.objects.filter(action="procedure.archived").count() == 1


# -- Workflow ------------------------------------------------------------------------------------


def current_workflow(procedure):
    return ProcedureVersion.objects.filter(procedure=procedure).order_by("-number").first().workflow


def test_a_status_is_added_with_the_action_leading_to_it(territory, procedure, admin):
    add = url(procedure, "circuit/etapes/ajouter/")
    response = admin.post(add, {"label": "Avis de l'architecte", "colour": "#6b2d8c", "visible": "on"})
    assert "Cochez au moins une étape depuis laquelle" in text(response)
    assert 'value="Avis de l&#x27;architecte"' in text(response)
    admin.post(
        add,
        {
            "label": "Avis de l'architecte",
            "colour": "#6b2d8c",
            "sources": ["in_progress"],
            "action_label": "Demander l'avis",
        },
    )
    workflow = current_workflow(procedure)
    status = workflow["statuses"][-1]
    assert status == {
        "key": "avis_de_l_architecte",
        "label": "Avis de l'architecte",
        "colour": "#6b2d8c",
        "visible": False,
        "final": False,
        "citizen_label": "",
    }
    assert workflow["transitions"][-1] == {
        "key": "demander_l_avis",
        "label": "Demander l'avis",
        "from": ["in_progress"],
        "to": "avis_de_l_architecte",
        "actions": [],
    }
    admin.post(
        url(procedure, "circuit/actions/ajouter/"),
        {"label": "Reprendre après avis", "sources": ["avis_de_l_architecte"], "target": "in_progress", "notify": "on"},
    )
    assert current_workflow(procedure)["transitions"][-1]["actions"] == [{"type": "notify_citizen"}]
    assert "Avis de l&#x27;architecte" in text(admin.get(url(procedure, "circuit/")))


def test_workflow_changes_that_break_it_are_refused_in_french(territory, procedure, admin):
    loop = admin.post(
        url(procedure, "circuit/actions/ajouter/"),
        {"label": "Boucle", "sources": ["received"], "target": "received"},
    )
    assert "Une action doit mener à une autre étape que celle de départ." in text(loop)
    response = admin.post(url(procedure, "circuit/actions/resume/supprimer/"), follow=True)
    assert "Étapes inaccessibles" not in text(response)  # awaiting_citizen → in_progress is not needed to reach
    response = admin.post(url(procedure, "circuit/actions/ask_citizen/supprimer/"), follow=True)
    assert "Étapes inaccessibles : awaiting_citizen." in text(response)
    response = admin.post(url(procedure, "circuit/etapes/received/supprimer/"), follow=True)
    assert "« Reçue » est l&#x27;étape de départ" in text(response)
    not_final = {"label": "Acceptée", "colour": "#116329", "visible": "on"}
    for key in ("rejected", "closed"):
        admin.post(url(procedure, f"circuit/etapes/{key}/supprimer/"))
    response = admin.post(url(procedure, "circuit/etapes/accepted/"), not_final)
    assert "Le circuit doit comporter au moins une étape finale." in text(response)
    assert [s["key"] for s in current_workflow(procedure)["statuses"]] == [
        "received",
        "in_progress",
        "awaiting_citizen",
        "accepted",
    ]


def test_a_transition_is_edited_and_keeps_its_other_actions(territory, procedure, admin_a):
    workflow = default_workflow()
    workflow["transitions"][0]["actions"].append({"type": "message", "text": "Bonjour"})
    save_draft(procedure=procedure, form=simple_form(), workflow=workflow, actor=admin_a)
    client = logged_in(admin_a, HOST_A)
    client.post(
        url(procedure, "circuit/actions/start/"),
        {"label": "Instruire", "sources": ["received"], "target": "in_progress", "requires_comment": "on"},
    )
    start = current_workflow(procedure)["transitions"][0]
    assert start["label"] == "Instruire" and start["requires_comment"] is True
    assert start["actions"] == [{"type": "message", "text": "Bonjour"}]  # notify unticked, the message kept
    refused = client.post(url(procedure, "circuit/depart/"), {"initial": "in_progress"}, follow=True)
    assert "Étapes inaccessibles : received." in text(refused)  # nothing leads back to « Reçue »
    assert current_workflow(procedure)["initial"] == "received"


# -- Ready catalogue, export and import --------------------------------------------------------------


def test_the_ready_catalogue_installs_a_procedure_published_or_as_a_draft(territory, admin):
    row = '<th scope="row">Demande d&#x27;acte de naissance<br>'
    assert row in text(admin.get(LIST + "catalogue-pret/"))
    admin.post(LIST + "catalogue-pret/", {"slug": "acte-naissance", "publish": "1"})
    admin.post(LIST + "catalogue-pret/", {"slug": "reservation-salle", "publish": "0"})
    birth = Procedure.objects.get(organisation=territory.commune_a, slug="acte-naissance")
    room = Procedure.objects.get(organisation=territory.commune_a, slug="reservation-salle")
    assert birth.status == "published" and birth.department == territory.department_a
    assert room.status == "draft" and room.published_version is None
    assert row not in text(admin.get(LIST + "catalogue-pret/"))
    again = admin.post(LIST + "catalogue-pret/", {"slug": "acte-naissance", "publish": "1"}, follow=True)
    assert "est déjà installée" in text(again)


def test_a_procedure_exported_by_commune_a_is_imported_by_commune_b_as_a_draft(territory, procedure, admin, admin_a):
    from tests.factories import MembershipFactory, UserFactory

    admin.post(
        url(procedure, "parametres/"),
        settings_data(fee="5", silence_rule="sva", silence_period="2", department=territory.department_a.pk),
    )
    response = admin.get(url(procedure, "exporter/"))
    assert response["Content-Disposition"] == 'attachment; filename="demarche-acte-naissance-v1.json"'
    data = json.loads(response.content)
    assert data["format"] == "parvis.procedure" and data["form"] == simple_form()

    admin_b = UserFactory(email="admin-b@commune-b.test")
    MembershipFactory(user=admin_b, organisation=territory.commune_b, role="admin")
    client_b = logged_in(admin_b, HOST_B)
    for _ in range(2):
        upload = SimpleUploadedFile("demarche.json", response.content, content_type="application/json")
        imported = client_b.post(LIST + "importer/", {"file": upload})
        assert imported.status_code == 302
    copies = list(Procedure.objects.filter(organisation=territory.commune_b).order_by("pk"))
    assert [p.slug for p in copies] == ["acte-naissance", "acte-naissance-2"]
    copy = copies[0]
    assert copy.status == "draft" and copy.fee_cents == 500 and copy.silence_period == 2
    assert copy.department == territory.department_b  # matched by its slug in the importing commune
    assert copy.versions.get().form == simple_form()
    assert copy.versions.get().workflow == procedure.published_version.workflow
    assert AuditEvent.objects.filter(action="procedure.imported", organisation=territory.commune_b).count() == 2
    assert client_b.post(url(copy, "publier/")).status_code == 302
    copy.refresh_from_db()
    assert copy.status == "published"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe pas du json", "n&#x27;est pas un fichier JSON lisible"),
        (b'{"hello": "world"}', "n&#x27;est pas un export de démarche Parvis"),
        (b"[1, 2]", "n&#x27;est pas un export de démarche Parvis"),
    ],
)
def test_a_file_that_is_not_an_export_is_refused_clearly(territory, admin, content, message):
    response = admin.post(LIST + "importer/", {"file": SimpleUploadedFile("x.json", content)})
    assert response.status_code == 200 and message in text(response)
    assert not Procedure.objects.filter(organisation=territory.commune_a).exists()


def test_an_export_with_a_broken_form_or_workflow_is_refused_with_each_problem(territory, procedure, admin):
    data = json.loads(admin.get(url(procedure, "exporter/")).content)
    data["form"]["pages"][0]["fields"][0]["condition"] = {"field": "details", "equals": "x"}
    data["form"]["pages"][0]["fields"].append({"key": "choix", "type": "choice", "label": "Choix"})
    response = admin.post(LIST + "importer/", {"file": SimpleUploadedFile("x.json", json.dumps(data).encode())})
    page = text(response)
    assert "la condition doit porter sur un champ placé avant celui-ci" in page
    assert "Page 1, champ « Choix » : indiquez au moins un choix possible." in page
    data = json.loads(admin.get(url(procedure, "exporter/")).content)
    data["workflow"]["initial"] = "nulle_part"
    data["procedure"]["theme"] = "inconnu"
    response = admin.post(LIST + "importer/", {"file": SimpleUploadedFile("x.json", json.dumps(data).encode())})
    assert "L&#x27;étape initiale « nulle_part » n&#x27;existe pas." in text(response)
    data["workflow"] = default_workflow()
    response = admin.post(LIST + "importer/", {"file": SimpleUploadedFile("x.json", json.dumps(data).encode())})
    assert "Réglages invalides dans le fichier" in text(response) and "Thème" in text(response)
    assert Procedure.objects.filter(organisation=territory.commune_a).count() == 1


# -- EPCI procedures in a commune ------------------------------------------------------------------


@pytest.fixture
def epci_procedure(territory, epci_admin):
    return published_procedure(territory.epci, title="Composteur individuel", slug="composteur", actor=epci_admin)


def test_a_commune_hides_an_epci_procedure_which_stays_offered_in_the_sibling_commune(territory, epci_procedure, admin):
    assert "Composteur individuel" in text(admin.get(LIST))
    admin.post(f"/backoffice/demarches/intercommunales/{epci_procedure.pk}/visibilite/", {"hidden": "1"})
    assert "Masquée" in text(admin.get(LIST))
    assert admin.get("/demarches/composteur/").status_code == 404
    assert "Composteur individuel" not in text(admin.get("/demarches/"))
    assert Client(HTTP_HOST=HOST_B).get("/demarches/composteur/").status_code == 200
    admin.post(f"/backoffice/demarches/intercommunales/{epci_procedure.pk}/visibilite/", {"hidden": "0"})
    assert admin.get("/demarches/composteur/").status_code == 200


def test_a_commune_adopts_an_epci_procedure_with_its_own_department_and_fee(territory, epci_procedure, admin):
    page = f"/backoffice/demarches/intercommunales/{epci_procedure.pk}/"
    bad = admin.post(page, {"fee": "beaucoup", "instructions": "Remettre le composteur au centre technique"})
    assert "Indiquez un montant en euros" in text(bad) and "Remettre le composteur au centre technique" in text(bad)
    admin.post(page, {"department": territory.department_a.pk, "fee": "15", "instructions": "Au centre technique"})
    adoption = epci_procedure.adoptions.get(organisation=territory.commune_a)
    assert adoption.department == territory.department_a and adoption.fee_cents == 1500 and not adoption.is_hidden
    assert "15,00" in text(Client(HTTP_HOST=HOST_A).get("/demarches/composteur/"))
    assert "15,00" not in text(Client(HTTP_HOST=HOST_B).get("/demarches/composteur/"))
    assert Procedure.objects.count() == 1  # adopted without copying


def test_the_sibling_commune_does_not_see_another_commune_adoption_settings(territory, epci_procedure, admin_a):
    from tests.factories import MembershipFactory, UserFactory

    adopt_procedure(
        organisation=territory.commune_a, procedure=epci_procedure, actor=admin_a, instructions="Secret de la commune A"
    )
    admin_b = UserFactory(email="admin-b@commune-b.test")
    MembershipFactory(user=admin_b, organisation=territory.commune_b, role="admin")
    response = logged_in(admin_b, HOST_B).get(f"/backoffice/demarches/intercommunales/{epci_procedure.pk}/")
    assert response.status_code == 200 and "Secret de la commune A" not in text(response)


def test_an_epci_draft_procedure_is_not_offered_for_adoption(territory, epci_admin, admin):
    from parvis.procedures.services import create_procedure

    draft = create_procedure(
        organisation=territory.epci,
        data={"slug": "projet", "title": "Projet", "summary": "Pas prêt", "theme": "contact"},
        form=simple_form(),
        workflow=default_workflow(),
        actor=epci_admin,
    )
    assert admin.get(f"/backoffice/demarches/intercommunales/{draft.pk}/").status_code == 404
    assert "Projet" not in text(admin.get(LIST))


# -- Bounded queries ---------------------------------------------------------------------------------


def test_the_list_page_runs_a_bounded_number_of_queries(territory, admin, admin_a, epci_admin):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin.get(LIST).status_code == 200
        return len(queries)

    def add(n, start):
        for i in range(start, start + n):
            p = published_procedure(territory.commune_a, title=f"Démarche {i}", slug=f"demarche-{i}", actor=admin_a)
            make_case(territory, p)
            e = published_procedure(territory.epci, title=f"Commune {i}", slug=f"epci-{i}", actor=epci_admin)
            adopt_procedure(organisation=territory.commune_a, procedure=e, actor=admin_a, hidden=i % 2 == 0)

    add(2, 0)
    count_queries()  # the first request also resolves the hostname (cached afterwards)
    few = count_queries()
    add(8, 2)
    assert count_queries() == few

"""Filing a démarche online through HTTP: pages, drafts, resume, summary, submission, confirmation."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape
from PIL import Image

from parvis.cases.models import Case, CaseDocument, Draft, DraftFile
from parvis.notifications.models import OutboundMessage
from parvis.procedures.services import adopt_procedure, publish_procedure, save_draft
from parvis.procedures.workflow import default_workflow
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import published_procedure

FILING_FORM = {
    "pages": [
        {
            "title": "L'acte demandé",
            "fields": [
                {
                    "key": "type_acte",
                    "type": "choice",
                    "label": "Type de document",
                    "required": True,
                    "choices": ["Copie intégrale", "Extrait sans filiation"],
                },
                {
                    "key": "nom_pere",
                    "type": "text",
                    "label": "Nom du père",
                    "required": True,
                    "condition": {"field": "type_acte", "equals": "Copie intégrale"},
                },
                {
                    "key": "nombre",
                    "type": "number",
                    "label": "Nombre d'exemplaires",
                    "required": True,
                    "validation": {"min": 1, "max": 5},
                },
                {"key": "nom", "type": "text", "label": "Nom", "required": True, "prefill": "last_name"},
            ],
        },
        {
            "title": "Réception et pièces",
            "fields": [
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
                {
                    "key": "piece",
                    "type": "file",
                    "label": "Pièce d'identité",
                    "required": True,
                    "validation": {"allowed_types": ["application/pdf", "image/png"], "max_files": 2},
                },
            ],
        },
    ]
}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def procedure(territory, admin_a):
    return published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a, form=FILING_FORM)


def pdf(name: str = "identite.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def png(name: str = "photo.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def fill_url(page: int | None = None) -> str:
    return "/demarches/acte-naissance/formulaire/" + (f"?page={page}" if page else "")


SUMMARY = "/demarches/acte-naissance/recapitulatif/"


def _token(response) -> str:
    match = re.search(r'name="draft_token" value="([0-9a-f]{32})"', response.text)
    return match.group(1) if match else ""


def _fill_both_pages(client: Client) -> None:
    first = client.get(fill_url())
    assert first.status_code == 200
    response = client.post(
        fill_url(1),
        {"draft_token": _token(first), "type_acte": "Extrait sans filiation", "nombre": "2", "nom": "Martin"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?page=2")
    response = client.post(fill_url(2), {"mode": "Retrait en mairie", "piece": pdf()})
    assert response.status_code == 302 and response["Location"] == SUMMARY


def test_an_anonymous_resident_files_a_request_end_to_end(procedure):
    client = Client(HTTP_HOST=HOST_A)
    _fill_both_pages(client)
    summary = client.get(SUMMARY)
    assert "Extrait sans filiation" in summary.text and "identite.pdf" in summary.text
    assert "Nom du père" not in summary.text  # hidden by its condition
    response = client.post(
        SUMMARY,
        {"first_name": "Camille", "last_name": "Martin", "email": "Camille@Example.org", "notify_by_email": "on"},
    )
    assert response.status_code == 302 and response["Location"] == "/demarches/acte-naissance/envoyee/"
    case = Case.objects.get()
    assert case.requester is None and case.requester_email == "camille@example.org"
    assert case.answers == {
        "type_acte": "Extrait sans filiation",
        "nombre": 2,
        "nom": "Martin",
        "mode": "Retrait en mairie",
        "piece": ["identite.pdf"],
    }
    document = CaseDocument.objects.get(case=case, issued_by_administration=False)  # not the accusé de réception
    assert document.field_key == "piece" and document.content_type == "application/pdf"
    assert not DraftFile.objects.exists()
    assert Draft.objects.get().submitted_case == case
    assert OutboundMessage.objects.filter(event="case.submitted", to="camille@example.org").exists()
    confirmation = client.get(response["Location"])
    assert case.reference in confirmation.text
    code = re.search(r'class="code code-large">([A-Z0-9]{10})<', confirmation.text).group(1)
    assert code in OutboundMessage.objects.get(event="case.submitted").body_text
    again = client.get(response["Location"])
    assert case.reference in again.text and code not in again.text  # the tracking code is shown once


def test_a_logged_in_resident_files_with_prefill_and_follows_in_their_space(procedure, citizen):
    citizen.last_name = "Dupont"
    citizen.save()
    client = logged_in(citizen, HOST_A)
    first = client.get(fill_url())
    assert 'value="Dupont"' in first.text  # prefilled from the account
    client.post(
        fill_url(1),
        {
            "draft_token": _token(first),
            "type_acte": "Copie intégrale",
            "nom_pere": "Jean",
            "nombre": "1",
            "nom": "Dupont",
        },
    )
    response = client.post(
        fill_url(2),
        {
            "mode": "Envoi postal",
            "adresse__street": "3 rue des Lilas",
            "adresse__postcode": "75 011",
            "adresse__city": "Paris",
            "piece": png(),
        },
    )
    assert response["Location"] == SUMMARY
    response = client.post(SUMMARY, {})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.requester == citizen and case.requester_email == citizen.email
    assert case.answers["adresse"] == {"street": "3 rue des Lilas", "postcode": "75011", "city": "Paris"}
    assert case.answers["nom_pere"] == "Jean"
    assert case.department == procedure.department
    confirmation = client.get(response["Location"])
    assert f"/mon-espace/demandes/{case.reference}/" in confirmation.text


def test_a_double_submission_returns_the_same_case(procedure):
    client = Client(HTTP_HOST=HOST_A)
    _fill_both_pages(client)
    identity = {"first_name": "Camille", "last_name": "Martin", "phone": "06 12 34 56 78"}
    first = client.post(SUMMARY, identity)
    second = client.post(SUMMARY, identity)  # double click, or back button then « Envoyer » again
    assert first.status_code == second.status_code == 302
    assert Case.objects.count() == 1
    assert Case.objects.get().requester_phone == "+33612345678"
    assert client.get("/demarches/acte-naissance/envoyee/").status_code == 200


def test_errors_are_in_french_and_keep_what_was_typed_including_files(procedure):
    client = Client(HTTP_HOST=HOST_A)
    first = client.get(fill_url())
    response = client.post(
        fill_url(1), {"draft_token": _token(first), "type_acte": "Copie intégrale", "nombre": "douze", "nom": "Martin"}
    )
    assert response.status_code == 200
    assert "Indiquez un nombre" in response.text and "Ce champ est obligatoire" in response.text
    assert 'value="douze"' in response.text and 'value="Martin"' in response.text
    assert 'href="#id_nom_pere"' in response.text  # the error summary links to the field
    client.post(fill_url(1), {"type_acte": "Extrait sans filiation", "nombre": "1", "nom": "Martin"})
    response = client.post(fill_url(2), {"mode": "Envoi postal", "piece": png(), "adresse__street": "1 rue Haute"})
    assert response.status_code == 200
    assert "Indiquez : code postal." in response.text and 'value="1 rue Haute"' in response.text
    assert "photo.png" in response.text and "Retirer" in response.text  # the accepted file is kept
    assert DraftFile.objects.count() == 1


def test_a_required_file_of_the_wrong_type_is_refused(procedure):
    client = Client(HTTP_HOST=HOST_A)
    first = client.get(fill_url())
    client.post(
        fill_url(1), {"draft_token": _token(first), "type_acte": "Extrait sans filiation", "nombre": "1", "nom": "M"}
    )
    fake = SimpleUploadedFile("piece.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(fill_url(2), {"mode": "Retrait en mairie", "piece": fake})
    assert response.status_code == 200
    assert "Ce type de fichier n&#x27;est pas accepté" in response.text
    assert not DraftFile.objects.exists()
    response = client.post(fill_url(2), {"mode": "Retrait en mairie"})
    assert "Ajoutez au moins un fichier" in response.text


def test_a_file_already_given_can_be_removed(procedure):
    client = Client(HTTP_HOST=HOST_A)
    first = client.get(fill_url())
    client.post(
        fill_url(1), {"draft_token": _token(first), "type_acte": "Extrait sans filiation", "nombre": "1", "nom": "M"}
    )
    client.post(fill_url(2), {"piece": pdf()})
    draft_file = DraftFile.objects.get()
    response = client.post(fill_url(2), {"mode": "Retrait en mairie", "_action": f"remove_file:{draft_file.pk}"})
    assert response.status_code == 200 and "a été retiré" in response.text
    assert not DraftFile.objects.exists()


def test_another_visitor_cannot_remove_a_file_of_someone_elses_draft(procedure):
    owner = Client(HTTP_HOST=HOST_A)
    first = owner.get(fill_url())
    owner.post(
        fill_url(1), {"draft_token": _token(first), "type_acte": "Extrait sans filiation", "nombre": "1", "nom": "M"}
    )
    owner.post(fill_url(2), {"piece": pdf()})
    draft_file = DraftFile.objects.get()
    intruder = Client(HTTP_HOST=HOST_A)
    intruder.post(fill_url(2), {"_action": f"remove_file:{draft_file.pk}"})
    assert DraftFile.objects.filter(pk=draft_file.pk).exists()


def test_saving_the_draft_accepts_empty_required_fields(procedure):
    client = Client(HTTP_HOST=HOST_A)
    first = client.get(fill_url())
    response = client.post(fill_url(1), {"draft_token": _token(first), "nom": "Martin", "_action": "save"})
    assert response.status_code == 302 and response["Location"].endswith("?page=1")
    draft = Draft.objects.get()
    assert draft.answers == {"nom": "Martin"}
    page = client.get(response["Location"])
    assert "Votre brouillon est enregistré" in page.text
    assert f"{draft.resume_code[:4]}-{draft.resume_code[4:]}" in page.text


def test_an_anonymous_draft_is_resumed_on_another_device_with_its_code(procedure):
    phone = Client(HTTP_HOST=HOST_A)
    first = phone.get(fill_url())
    phone.post(
        fill_url(1),
        {"draft_token": _token(first), "type_acte": "Extrait sans filiation", "nombre": "3", "nom": "Martin"},
    )
    draft = Draft.objects.get()
    assert len(draft.resume_code) == 8 and len(draft.idempotency_key) == 32
    computer = Client(HTTP_HOST=HOST_A)
    assert computer.get(fill_url(1)).text.count('value="3"') == 0
    response = computer.post(
        "/demarches/reprendre/", {"code": f"{draft.resume_code[:4].lower()} {draft.resume_code[4:]}"}
    )
    assert response.status_code == 302 and response["Location"].endswith("?page=2")
    assert 'value="3"' in computer.get(fill_url(1)).text


def test_a_wrong_resume_code_is_refused_and_attempts_are_limited(procedure):
    client = Client(HTTP_HOST=HOST_A)
    response = client.post("/demarches/reprendre/", {"code": "AAAA-BBBB"})
    assert response.status_code == 200 and "Aucun brouillon ne correspond" in response.text
    for _ in range(12):
        response = client.post("/demarches/reprendre/", {"code": "AAAA-BBBB"})
    assert "Trop de tentatives" in response.text


def test_a_draft_of_an_account_needs_that_account_to_be_resumed(procedure, citizen):
    owner = logged_in(citizen, HOST_A)
    first = owner.get(fill_url())
    owner.post(fill_url(1), {"draft_token": _token(first), "nom": "Martin", "_action": "save"})
    draft = Draft.objects.get()
    assert draft.user == citizen
    response = Client(HTTP_HOST=HOST_A).post("/demarches/reprendre/", {"code": draft.resume_code})
    assert "connectez-vous" in response.text


def test_a_logged_in_resident_finds_resumes_and_deletes_drafts(procedure, citizen):
    first_device = logged_in(citizen, HOST_A)
    first = first_device.get(fill_url())
    first_device.post(
        fill_url(1),
        {"draft_token": _token(first), "type_acte": "Extrait sans filiation", "nombre": "4", "nom": "Martin"},
    )
    draft = Draft.objects.get()
    other_device = logged_in(citizen, HOST_A)
    listing = other_device.get("/demarches/brouillons/")
    assert escape(procedure.title) in listing.text
    response = other_device.post(f"/demarches/brouillons/{draft.pk}/reprendre/")
    assert response.status_code == 302 and response["Location"].endswith("?page=2")
    assert 'value="4"' in other_device.get(fill_url(1)).text
    other_device.post(f"/demarches/brouillons/{draft.pk}/supprimer/")
    assert not Draft.objects.exists()


def test_the_draft_list_of_one_resident_is_not_anothers(procedure, citizen):
    owner = logged_in(citizen, HOST_A)
    first = owner.get(fill_url())
    owner.post(fill_url(1), {"draft_token": _token(first), "nom": "Martin", "_action": "save"})
    draft = Draft.objects.get()
    from tests.factories import UserFactory

    other = logged_in(UserFactory(), HOST_A)
    listing = other.get("/demarches/brouillons/").text
    assert "Vous n'avez aucun brouillon" in listing and escape(procedure.title) not in listing
    assert other.post(f"/demarches/brouillons/{draft.pk}/supprimer/").status_code == 404
    assert Draft.objects.exists()


def test_a_double_click_on_the_first_page_makes_one_draft(procedure, citizen):
    client = logged_in(citizen, HOST_A)
    token = _token(client.get(fill_url()))
    data = {"draft_token": token, "nom": "Martin", "_action": "save"}
    client.post(fill_url(1), data)
    client.logout()
    client.force_login(citizen)  # same account, session without the draft: the token finds it
    client.post(fill_url(1), data)
    assert Draft.objects.count() == 1


def test_going_back_from_the_summary_returns_to_the_summary(procedure):
    client = Client(HTTP_HOST=HOST_A)
    _fill_both_pages(client)
    summary = client.get(SUMMARY)
    assert fill_url(1) + "&amp;retour=recapitulatif" in summary.text
    response = client.post(
        fill_url(1) + "&retour=recapitulatif",
        {"type_acte": "Extrait sans filiation", "nombre": "5", "nom": "Martin", "retour": "1"},
    )
    assert response["Location"] == SUMMARY


def test_the_summary_lists_what_is_missing_and_does_not_submit(procedure):
    client = Client(HTTP_HOST=HOST_A)
    first = client.get(fill_url())
    client.post(
        fill_url(1),
        {"draft_token": _token(first), "type_acte": "Extrait sans filiation", "nombre": "2", "nom": "Martin"},
    )
    summary = client.get(SUMMARY)
    assert "Votre demande est incomplète" in summary.text and "Ajoutez au moins un fichier" in summary.text
    client.post(SUMMARY, {"first_name": "C", "last_name": "M", "phone": "0612345678"})
    assert not Case.objects.exists()


def test_an_anonymous_requester_must_give_a_way_to_be_reached(procedure):
    client = Client(HTTP_HOST=HOST_A)
    _fill_both_pages(client)
    response = client.post(SUMMARY, {"first_name": "Camille", "last_name": "Martin"})
    assert response.status_code == 200 and "Indiquez un téléphone" in response.text
    response = client.post(SUMMARY, {"first_name": "Camille", "last_name": "Martin", "notify_by_email": "on"})
    assert "pour être informé par courriel" in response.text
    assert not Case.objects.exists()


def test_a_draft_started_before_a_new_version_continues_under_it(procedure, admin_a):
    client = Client(HTTP_HOST=HOST_A)
    first = client.get(fill_url())
    client.post(
        fill_url(1),
        {"draft_token": _token(first), "type_acte": "Extrait sans filiation", "nombre": "2", "nom": "Martin"},
    )
    changed = {"pages": [FILING_FORM["pages"][0]]}
    save_draft(procedure=procedure, form=changed, workflow=default_workflow(), actor=admin_a)
    publish_procedure(procedure=procedure, actor=admin_a)
    response = client.get(fill_url(1))
    assert "mise à jour" in response.text
    client.post(fill_url(1), {"type_acte": "Extrait sans filiation", "nombre": "2", "nom": "Martin"})
    client.post(SUMMARY, {"first_name": "C", "last_name": "M", "phone": "0612345678"})
    case = Case.objects.get()
    assert case.version.number == 2


def test_abandoning_deletes_the_draft(procedure):
    client = Client(HTTP_HOST=HOST_A)
    first = client.get(fill_url())
    client.post(fill_url(1), {"draft_token": _token(first), "nom": "Martin", "_action": "save"})
    response = client.post("/demarches/acte-naissance/abandonner/")
    assert response.status_code == 302 and not Draft.objects.exists()


def test_a_procedure_hidden_in_the_commune_cannot_be_filled(territory, epci_admin):
    shared = published_procedure(territory.epci, actor=epci_admin, slug="encombrants", title="Encombrants")
    adopt_procedure(organisation=territory.commune_b, procedure=shared, actor=epci_admin, hidden=True)
    assert Client(HTTP_HOST=HOST_A).get("/demarches/encombrants/formulaire/").status_code == 200
    assert Client(HTTP_HOST=HOST_B).get("/demarches/encombrants/formulaire/").status_code == 404
    assert Client(HTTP_HOST=HOST_B).get("/demarches/encombrants/").status_code == 404


def test_an_epci_procedure_filed_in_a_commune_belongs_to_the_commune(territory, epci_admin):
    shared = published_procedure(territory.epci, actor=epci_admin, slug="encombrants", title="Encombrants")
    adopt_procedure(
        organisation=territory.commune_a, procedure=shared, actor=epci_admin, department=territory.department_a
    )
    client = Client(HTTP_HOST=HOST_A)
    first = client.get("/demarches/encombrants/formulaire/")
    response = client.post(
        "/demarches/encombrants/formulaire/?page=1", {"draft_token": _token(first), "objet": "Canapé"}
    )
    assert response["Location"] == "/demarches/encombrants/recapitulatif/"
    client.post("/demarches/encombrants/recapitulatif/", {"first_name": "C", "last_name": "M", "phone": "0612345678"})
    case = Case.objects.get()
    assert case.organisation == territory.commune_a and case.department == territory.department_a


def test_an_unpublished_procedure_is_not_found(territory, admin_a):
    from parvis.procedures.services import create_procedure
    from tests.factories import simple_form

    create_procedure(
        organisation=territory.commune_a,
        data={"slug": "brouillon", "title": "Pas encore", "summary": "x", "theme": "etat-civil"},
        form=simple_form(),
        workflow=default_workflow(),
        actor=admin_a,
    )
    client = Client(HTTP_HOST=HOST_A)
    assert client.get("/demarches/brouillon/").status_code == 404
    assert client.get("/demarches/brouillon/formulaire/").status_code == 404


def test_a_procedure_for_account_holders_sends_anonymous_visitors_to_login(procedure):
    procedure.allows_anonymous = False
    procedure.save()
    response = Client(HTTP_HOST=HOST_A).get(fill_url())
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def test_every_procedure_of_the_ready_catalogue_can_be_read_and_filled_page_by_page(territory, admin_a, citizen):
    from parvis.procedures.services import install_ready_catalogue

    installed = install_ready_catalogue(organisation=territory.commune_a, actor=admin_a)
    assert installed
    for procedure in installed:
        procedure.refresh_from_db()
    for client in (Client(HTTP_HOST=HOST_A), logged_in(citizen, HOST_A)):
        for procedure in installed:
            assert client.get(f"/demarches/{procedure.slug}/").status_code == 200, procedure.slug
            for number in range(1, len(procedure.published_version.form["pages"]) + 1):
                response = client.get(f"/demarches/{procedure.slug}/formulaire/?page={number}")
                assert response.status_code == 200, (procedure.slug, number)
                assert "<h1>" in response.text


def test_camille_files_the_ready_birth_certificate_request_as_on_the_demo(territory, admin_a, citizen):
    from parvis.procedures.services import install_ready_catalogue

    install_ready_catalogue(organisation=territory.commune_a, actor=admin_a)
    client = logged_in(citizen, HOST_A)
    first = client.get(fill_url())
    response = client.post(
        fill_url(1),
        {
            "draft_token": _token(first),
            "type_acte": "Extrait avec filiation",
            "nom_personne": "Martin",
            "prenoms_personne": "Camille",
            "date_evenement": "02/03/1990",
            "qualite": "La personne concernée elle-même",
            "nombre": "1",
        },
    )
    assert response["Location"].endswith("?page=2")
    response = client.post(fill_url(2), {"mode": "Retrait à l'accueil de la mairie"})
    assert response["Location"].endswith("?page=3")
    page = client.get(fill_url(3))
    assert f'value="{citizen.email}"' in page.text  # « Dites-le nous une fois »: prefilled
    response = client.post(
        fill_url(3), {"nom": citizen.last_name, "prenom": citizen.first_name, "courriel": citizen.email}
    )
    assert response["Location"] == SUMMARY
    assert "02/03/1990" in client.get(SUMMARY).text
    response = client.post(SUMMARY, {})
    case = Case.objects.get()
    assert case.procedure.slug == "acte-naissance" and case.answers["date_evenement"] == "1990-03-02"
    assert case.department == territory.department_a  # the commune's « etat-civil » department
    assert OutboundMessage.objects.filter(event="case.submitted", to=citizen.email).exists()

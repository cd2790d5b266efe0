"""Accusés d'enregistrement and de réception (CRPA L112-11, R112-11-1, R112-5) and the publication check."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage

from parvis.cases.enums import Channel
from parvis.cases.services import submit_case
from parvis.legal.acknowledgments import (
    issue_receipt,
    missing_mentions,
    required_mention_keys,
)
from parvis.legal.enums import AcknowledgmentKind, PiecesRequestStatus
from parvis.legal.models import Acknowledgment, PiecesRequest
from parvis.notifications.models import OutboundMessage
from parvis.procedures.models import Procedure
from parvis.procedures.ready_catalogue import READY_CATALOGUE
from parvis.procedures.services import (
    MissingMentions,
    create_procedure,
    install_ready_catalogue,
    publish_checked,
    update_procedure_settings,
)
from parvis.procedures.workflow import default_workflow
from tests.conftest import HOST_A, logged_in
from tests.factories import OrganisationFactory, published_procedure, simple_form
from tests.legal.pdf_text import pdf_text

PARIS = ZoneInfo("Europe/Paris")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _file(territory, procedure, *, channel=Channel.WEB, email="camille@example.org", phone="", at=None, notify=True):
    return submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Une demande"},
        requester=None,
        requester_name="Camille Martin",
        requester_email=email,
        requester_phone=phone,
        channel=channel,
        actor=None,
        received_at=at,
        notify=notify,
    )


def _receipt(case) -> Acknowledgment:
    return Acknowledgment.objects.select_related("document", "message").get(case=case, kind=AcknowledgmentKind.RECEIPT)


def _attachment_bytes(message: OutboundMessage) -> bytes:
    [attachment] = message.attachments
    with default_storage.open(attachment["path"], "rb") as handle:
        return handle.read()


def _assert_complete(case) -> None:
    """Every required mention is in the stored JSON, the email body and both PDFs (stored and attached)."""
    receipt = _receipt(case)
    mentions = {m["key"]: m for m in receipt.mentions}
    stored_pdf = pdf_text(receipt.document.file.read())
    attached_pdf = pdf_text(_attachment_bytes(receipt.message))
    body = _flat(receipt.message.body_text)
    for key in required_mention_keys(case):
        assert key in mentions, f"{case.procedure.slug}: mention {key} missing"
        text = _flat(mentions[key]["text"])
        assert text, f"{case.procedure.slug}: mention {key} empty"
        assert text in body, f"{case.procedure.slug}: mention {key} not in the email"
        assert text in stored_pdf, f"{case.procedure.slug}: mention {key} not in the PDF"
        assert text in attached_pdf, f"{case.procedure.slug}: mention {key} not in the attached PDF"
        assert _flat(mentions[key]["label"]) in stored_pdf


def test_every_ready_catalogue_procedure_gives_a_complete_accuse_de_reception(territory, admin_a):
    installed = install_ready_catalogue(organisation=territory.commune_a, actor=admin_a)
    assert len(installed) == len(READY_CATALOGUE)
    for procedure in installed:
        assert missing_mentions(procedure) == [], procedure.slug
        case = _file(territory, procedure).case
        _assert_complete(case)
        registration = Acknowledgment.objects.get(case=case, kind=AcknowledgmentKind.REGISTRATION)
        assert registration.message.event == "case.submitted"


def test_every_ready_catalogue_procedure_is_a_demande_with_a_delay_and_a_basis_or_has_no_decision():
    for entry in READY_CATALOGUE:
        assert entry["legal_nature"] in {"demande", "declaration", "information"}, entry["slug"]
        if entry["legal_nature"] == "demande":
            assert entry["silence_rule"] in {"sva", "svr"} and entry["silence_period"], entry["slug"]
            assert entry["legal_basis"].strip(), entry["slug"]
        else:
            assert entry["silence_rule"] == "none", entry["slug"]
    natures = {e["slug"]: e["legal_nature"] for e in READY_CATALOGUE}
    assert natures["signalement-espace-public"] == natures["question-elus"] == "information"
    assert natures["rendez-vous-titre-identite"] == "information"


def test_an_online_demande_gets_both_acknowledgments_with_the_date_of_the_implicit_decision(territory, admin_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    received = dt.datetime(2025, 1, 15, 10, 30, tzinfo=PARIS)
    submission = _file(territory, procedure, at=received)
    case = submission.case
    kinds = list(Acknowledgment.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == [AcknowledgmentKind.REGISTRATION, AcknowledgmentKind.RECEIPT]
    registration = OutboundMessage.objects.get(event="case.submitted", to="camille@example.org")
    assert "mercredi 15 janvier 2025" in registration.body_text
    assert submission.tracking_code in registration.body_text
    receipt = _receipt(case)
    assert receipt.message.event == "case.receipt"
    assert receipt.message.attachments[0]["content_type"] == "application/pdf"
    body = _flat(receipt.message.body_text)
    # Worked example 1 of rules.md §2: received Wed 15 Jan 2025, 2 months, E = Sat 15 Mar 2025.
    assert "sans réponse de notre part au plus tard le samedi 15 mars 2025, votre demande sera réputée acceptée" in body
    assert "L232-3" in body
    assert territory.department_a.email in body and territory.department_a.phone in body
    assert "1 place de la Mairie, 99000 Testville" in body
    assert receipt.document.issued_by_administration and receipt.document.visible_to_citizen
    assert "R112-11-1" in pdf_text(receipt.document.file.read())
    _assert_complete(case)


def test_a_counter_case_gets_an_r112_5_accuse_de_reception_to_print(territory, admin_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    case = _file(territory, procedure, channel=Channel.COUNTER, email="", phone="06 12 34 56 78").case
    [receipt] = Acknowledgment.objects.filter(case=case)
    assert receipt.kind == AcknowledgmentKind.RECEIPT
    assert receipt.message is None
    assert not OutboundMessage.objects.filter(related_id=str(case.pk)).exists()
    text = pdf_text(receipt.document.file.read())
    assert "R112-5" in text
    for key in required_mention_keys(case):
        mention = next(m for m in receipt.mentions if m["key"] == key)
        assert _flat(mention["text"]) in text


def test_a_counter_case_with_an_email_gets_the_accuse_de_reception_by_email_but_no_registration(territory, admin_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    submission = _file(territory, procedure, channel=Channel.MAIL)
    assert not Acknowledgment.objects.filter(case=submission.case, kind=AcknowledgmentKind.REGISTRATION).exists()
    receipt = _receipt(submission.case)
    assert receipt.message.event == "case.receipt"
    assert submission.tracking_code in receipt.message.body_text
    _assert_complete(submission.case)


def test_a_case_without_department_names_the_organisation_and_its_contact(territory, admin_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a)
    case = _file(territory, procedure).case
    mentions = {m["key"]: m["text"] for m in _receipt(case).mentions}
    assert mentions["service"] == territory.commune_a.name
    assert mentions["service_email"] == territory.commune_a.email
    assert mentions["service_phone"] == territory.commune_a.phone


def test_a_silence_vaut_rejet_demande_states_the_recourse_routes(territory, admin_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    Procedure.objects.filter(pk=procedure.pk).update(
        silence_rule="svr", recourse_hierarchique_to="le préfet du Rhône", legal_basis="CRPA, art. L231-4"
    )
    procedure.refresh_from_db()
    case = _file(territory, procedure, at=dt.datetime(2025, 6, 23, 9, tzinfo=PARIS)).case
    mentions = {m["key"]: m["text"] for m in _receipt(case).mentions}
    assert "attestation" not in mentions
    recourse = mentions["recourse"]
    assert f"un recours gracieux auprès du maire de {territory.commune_a.name}" in recourse
    assert "un recours hiérarchique auprès du préfet du Rhône" in recourse
    assert "devant le tribunal administratif de Lyon, 184 rue Duguesclin" in recourse
    assert "https://citoyens.telerecours.fr" in recourse and "deux mois" in recourse
    assert "réputée rejetée" in mentions["implicit_decision"]
    _assert_complete(case)


def test_a_declaration_or_a_signalement_says_no_implicit_decision_arises(territory, admin_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    Procedure.objects.filter(pk=procedure.pk).update(legal_nature="information", silence_rule="none")
    case = _file(territory, Procedure.objects.get(pk=procedure.pk)).case
    keys = {m["key"]: m["text"] for m in _receipt(case).mentions}
    assert "aucune décision implicite" in keys["no_implicit_decision"]
    assert "implicit_decision" not in keys and "recourse" not in keys
    _assert_complete(case)


def test_an_incomplete_case_lists_the_missing_pieces_their_deadline_and_the_effect_on_the_clock(territory, admin_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    case = _file(territory, procedure, notify=False).case
    PiecesRequest.objects.create(
        organisation=territory.commune_a,
        case=case,
        items=[{"key": "k1", "label": "Justificatif de domicile", "kind": "document", "received_at": None}],
        requested_at=case.submitted_at,
        deadline=dt.date(2031, 5, 2),
        status=PiecesRequestStatus.OPEN,
    )
    assert "missing_pieces" in required_mention_keys(case)
    receipt = issue_receipt(case=case, actor=admin_a)
    pieces = next(m["text"] for m in receipt.mentions if m["key"] == "missing_pieces")
    assert "Justificatif de domicile" in pieces and "2 mai 2031" in pieces
    assert "ne court qu'à compter de la réception" in pieces and "L114-5" in pieces
    _assert_complete(case)


def test_an_import_without_notification_sends_and_stores_no_acknowledgment(territory, admin_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    case = _file(territory, procedure, notify=False).case
    assert not Acknowledgment.objects.filter(case=case).exists()
    assert not OutboundMessage.objects.exists()


def test_the_acknowledgment_is_journaled_in_the_timeline_and_the_audit_log(territory, admin_a):
    from parvis.audit.models import AuditEvent

    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    case = _file(territory, procedure).case
    titles = list(case.events.values_list("title", flat=True))
    assert "Accusé d'enregistrement envoyé par courriel" in titles
    assert "Accusé de réception envoyé par courriel" in titles
    assert AuditEvent.objects.filter(action="case.acknowledged").count() == 2


def test_the_law_wins_over_an_organisation_wording_that_drops_the_mentions(territory, admin_a):
    from parvis.notifications.models import MessageTemplate

    MessageTemplate.objects.create(
        organisation=territory.commune_a,
        event="case.receipt",
        channel="email",
        subject="Reçu",
        body="Bonjour, nous avons bien reçu votre demande {{ reference }}.",
    )
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    case = _file(territory, procedure).case
    _assert_complete(case)


# --- Publication refused while a mention would be missing ---------------------------------------


def _draft(organisation, **settings):
    data = {"slug": "nouvelle", "title": "Nouvelle démarche", "summary": "Une démarche", "theme": "etat-civil"}
    return create_procedure(
        organisation=organisation, data=data | settings, form=simple_form(), workflow=default_workflow(), actor=None
    )


def test_publication_is_refused_with_the_exact_list_of_missing_mentions(db):
    organisation = OrganisationFactory(
        postal_address="", phone="", decision_authority="", administrative_court="", name="Communeville"
    )
    procedure = _draft(organisation, silence_rule="none")
    with pytest.raises(MissingMentions) as refused:
        publish_checked(procedure=procedure, actor=None)
    assert refused.value.problems == [
        "Indiquez l'adresse postale du service chargé de la démarche (« Communeville ») : choisissez un service "
        "instructeur complet ou complétez les coordonnées de la collectivité.",
        "Indiquez le numéro de téléphone du service chargé de la démarche (« Communeville ») : choisissez un "
        "service instructeur complet ou complétez les coordonnées de la collectivité.",
        "Choisissez la règle du silence (« silence vaut accord » ou « silence vaut rejet ») et son délai : cette "
        "démarche est une demande appelant une décision, l'accusé de réception doit dire ce que vaut le silence "
        "de l'administration et à quelle date.",
    ]
    procedure.refresh_from_db()
    assert procedure.status == "draft"


def test_a_silence_vaut_rejet_demande_needs_a_basis_an_authority_and_a_court(db):
    organisation = OrganisationFactory(decision_authority="", administrative_court="")
    procedure = _draft(organisation, silence_rule="svr", silence_period=2, silence_unit="months")
    problems = missing_mentions(procedure)
    assert problems == [
        "Indiquez le fondement juridique de la règle du silence (article de code, décret ou délibération).",
        "Indiquez l'autorité qui décide (réglages de la démarche ou de la collectivité, par exemple "
        "« le maire d'Admiville »).",
        "Indiquez le tribunal administratif compétent (réglages de la collectivité ou de la démarche) : il figure "
        "dans les délais et voies de recours d'une demande dont le silence vaut rejet.",
    ]
    with pytest.raises(MissingMentions):
        publish_checked(procedure=procedure, actor=None)


def test_a_procedure_excluded_from_sve_cannot_be_published_on_the_web_channel(db):
    organisation = OrganisationFactory()
    procedure = _draft(
        organisation,
        legal_nature="declaration",
        excluded_from_sve=True,
        channels=["web", "counter"],
    )
    assert missing_mentions(procedure) == [
        "La démarche est exclue de la saisine par voie électronique (décret n° 2016-1491) mais elle est proposée "
        "en ligne : retirez les canaux « Site web », « Courriel » et « API »."
    ]
    Procedure.objects.filter(pk=procedure.pk).update(channels=["counter", "mail"])
    procedure.refresh_from_db()
    assert missing_mentions(procedure) == []
    publish_checked(procedure=procedure, actor=None)


def test_a_published_procedure_keeps_complete_mentions_when_its_settings_change(territory, admin_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a)
    with pytest.raises(MissingMentions):
        update_procedure_settings(procedure=procedure, data={"legal_basis": ""}, actor=admin_a)
    update_procedure_settings(procedure=procedure, data={"legal_basis": "CRPA, art. L231-1 et L231-6"}, actor=admin_a)


# --- Pages ---------------------------------------------------------------------------------------


def test_the_admin_sees_the_missing_mentions_on_the_overview_and_the_settings_page(territory, admin_a):
    procedure = _draft(territory.commune_a, silence_rule="svr", silence_period=2, silence_unit="months")
    client = logged_in(admin_a, HOST_A)
    for name in ("builder_overview", "builder_settings"):
        page = client.get(
            f"/backoffice/demarches/{procedure.pk}/" + ("" if name == "builder_overview" else "parametres/")
        )
        assert page.status_code == 200
        html = page.content.decode()
        assert "Mentions obligatoires manquantes" in html
        assert "Indiquez le fondement juridique de la règle du silence" in html
    published = client.post(f"/backoffice/demarches/{procedure.pk}/publier/", follow=True)
    assert "Indiquez le fondement juridique de la règle du silence" in published.content.decode()
    procedure.refresh_from_db()
    assert procedure.status == "draft"


def test_the_agent_reprints_the_accuse_de_reception_and_the_citizen_downloads_it(territory, admin_a, agent_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    case = _file(territory, procedure, channel=Channel.COUNTER).case
    receipt = _receipt(case)
    page = logged_in(agent_a, HOST_A).get(f"/backoffice/demandes/{case.reference}/")
    html = page.content.decode()
    assert "Réimprimer l'accusé de réception" in html
    url = f"/backoffice/demandes/{case.reference}/documents/{receipt.document.pk}/"
    assert url in html
    download = logged_in(agent_a, HOST_A).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_the_citizen_page_lists_the_acknowledgments_with_their_pdf(territory, admin_a, citizen):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    case = submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Une demande"},
        requester=citizen,
        requester_name="Camille Martin",
        requester_email=citizen.email,
        actor=citizen,
    ).case
    receipt = _receipt(case)
    client = logged_in(citizen, HOST_A)
    html = client.get(f"/mon-espace/demandes/{case.reference}/").content.decode()
    assert "Accusés d'enregistrement et de réception" in html
    url = f"/mon-espace/demandes/{case.reference}/documents/{receipt.document.pk}/"
    assert url in html
    assert client.get(url).status_code == 200


def test_an_agent_issues_the_missing_accuse_de_reception_of_an_imported_case_once(territory, admin_a, agent_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    case = _file(territory, procedure, channel=Channel.MAIL, notify=False).case
    client = logged_in(agent_a, HOST_A)
    assert "Établir l'accusé de réception" in client.get(f"/backoffice/demandes/{case.reference}/").content.decode()
    client.post(f"/backoffice/demandes/{case.reference}/accuse-de-reception/")
    client.post(f"/backoffice/demandes/{case.reference}/accuse-de-reception/")
    assert Acknowledgment.objects.filter(case=case, kind=AcknowledgmentKind.RECEIPT).count() == 1
    _assert_complete(case)


def test_the_case_page_reads_the_acknowledgments_in_one_query(
    territory, admin_a, agent_a, django_assert_max_num_queries
):
    from django.template import Context, Template

    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    case = _file(territory, procedure).case
    template = Template("{% load legal_acknowledgments %}{% acknowledgments_of case as acks %}{{ acks.items|length }}")
    with django_assert_max_num_queries(1):
        assert template.render(Context({"case": case})) == "2"


def test_a_procedure_excluded_from_sve_shows_a_message_instead_of_the_online_form(territory, admin_a, client):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    Procedure.objects.filter(pk=procedure.pk).update(excluded_from_sve=True, channels=["counter", "mail"])
    page = client.get(f"/demarches/{procedure.slug}/", HTTP_HOST=HOST_A).content.decode()
    assert "Cette démarche ne peut pas être faite en ligne" in page
    assert "décret n° 2016-1491" in page
    assert "Faire la demande en ligne" not in page
    start = client.get(f"/demarches/{procedure.slug}/formulaire/", HTTP_HOST=HOST_A, follow=True)
    assert "exclue de la saisine par voie électronique" in start.content.decode()
    assert start.redirect_chain[-1][0] == f"/demarches/{procedure.slug}/"

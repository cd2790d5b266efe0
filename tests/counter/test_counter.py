"""The counter through HTTP: filing on someone's behalf for each channel, who came, the acknowledgment
and the slip, continuing an online draft from its code, handing a draft to the resident."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from parvis.cases.enums import Channel, EventKind
from parvis.cases.models import Case, CaseDocument, Draft
from parvis.counter.models import AssistedFiling, ChannelStep
from parvis.notifications.models import OutboundMessage
from parvis.people.models import Person
from tests.conftest import HOST_A, logged_in
from tests.counter.helpers import counter_agent, counter_procedure, light_identity
from tests.factories import UserFactory

HOME = "/backoffice/guichet/"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def karim(territory):
    return counter_agent(territory.commune_a)


@pytest.fixture
def procedure(territory, admin_a):
    return counter_procedure(territory.commune_a, actor=admin_a)


@pytest.fixture
def jeanne(territory, karim):
    return light_identity(territory.commune_a, actor=karim, phone="06 11 22 33 44")


def pdf(name="scan-identite.pdf"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def start(client, person, procedure, channel="counter"):
    response = client.post(
        f"/backoffice/guichet/personnes/{person.pk}/", {"procedure": procedure.pk, "channel": channel}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    filing = AssistedFiling.objects.get(draft__procedure=procedure, person=person, case__isnull=True)
    assert response["Location"] == f"/backoffice/guichet/demarches/{filing.pk}/"
    return filing


def fill_pages(client, filing, *, with_file=True):
    base = f"/backoffice/guichet/demarches/{filing.pk}/"
    page = client.get(base)
    assert page.status_code == 200 and "Objet de la demande" in page.text
    response = client.post(
        base + "?page=1", {"_action": "next", "objet": "Copie intégrale pour mariage", "nombre": "2"}
    )
    assert response.status_code == 302 and response["Location"].endswith("?page=2")
    data = {"_action": "next"} | ({"piece": pdf()} if with_file else {})
    response = client.post(base + "?page=2", data)
    assert response["Location"] == base + "recapitulatif/"


def file(client, filing, **visitor):
    response = client.post(f"/backoffice/guichet/demarches/{filing.pk}/recapitulatif/", {"visitor": "self"} | visitor)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == f"/backoffice/guichet/demarches/{filing.pk}/deposee/"
    return response


def titles(case):
    return list(case.events.filter(kind=EventKind.CHANNEL_USED, data__has_key="step").values_list("title", flat=True))


def test_a_counter_agent_files_a_procedure_for_a_light_identity_and_prints_acknowledgment_and_slip(
    territory, karim, jeanne, procedure
):
    client = logged_in(karim, HOST_A)
    home = client.get(HOME, {"q": "lefevre"})
    assert home.status_code == 200 and "Jeanne LEFÈVRE" in home.text
    assert f"/backoffice/guichet/personnes/{jeanne.pk}/" in home.text
    filing = start(client, jeanne, procedure)
    fill_pages(client, filing)
    summary = client.get(f"/backoffice/guichet/demarches/{filing.pk}/recapitulatif/")
    assert "Copie intégrale pour mariage" in summary.text and "scan-identite.pdf" in summary.text
    file(client, filing)
    case = Case.objects.get()
    assert case.person == jeanne and case.requester is None and case.channel == Channel.COUNTER
    assert case.requester_name == "Jeanne LEFÈVRE" and case.requester_email == "jeanne.lefevre@example.fr"
    assert case.answers["objet"] == "Copie intégrale pour mariage" and case.answers["piece"] == ["scan-identite.pdf"]
    assert CaseDocument.objects.filter(case=case, field_key="piece", issued_by_administration=False).exists()
    assert Draft.objects.get().user is None  # the agent did not become the draft's owner
    assert titles(case) == ["Commencée à l'accueil par Karim Benali", "Déposée à l'accueil par Karim Benali"]
    filed = case.events.get(title="Déposée à l'accueil par Karim Benali")
    assert filed.body == "Personne venue au guichet : Jeanne LEFÈVRE elle-même ou lui-même."
    done = client.get(f"/backoffice/guichet/demarches/{filing.pk}/deposee/")
    assert case.reference in done.text
    code = re.search(r'<strong class="code">([A-Z0-9]{10})</strong>', done.text).group(1)
    from parvis.cases.services import tracking_code_matches

    assert tracking_code_matches(case, code)
    slip = client.get(f"/backoffice/guichet/demarches/{filing.pk}/recepisse/")
    assert slip.status_code == 200 and case.reference in slip.text and code in slip.text
    assert "<svg" in slip.text and f"/suivi/?reference={case.reference}" in slip.text
    pdf_response = client.get(f"/backoffice/guichet/demarches/{filing.pk}/accuse-de-reception.pdf")
    assert pdf_response.status_code == 200 and pdf_response["Content-Type"] == "application/pdf"
    assert b"".join(pdf_response.streaming_content).startswith(b"%PDF")
    # The code is not stored: once the agent's session forgets it, the slip says it was handed over.
    session = client.session
    session["parvis_counter_codes"] = {}
    session.save()
    assert code not in client.get(f"/backoffice/guichet/demarches/{filing.pk}/recepisse/").text


@pytest.mark.parametrize(
    ("channel", "where", "lead"),
    [
        ("phone", "par téléphone", "Au téléphone"),
        ("mail", "à partir d'un courrier", "Courrier envoyé par"),
        ("home_visit", "lors d'une visite à domicile", "Personne présente lors de la visite"),
        ("counter", "à l'accueil", "Personne venue au guichet"),
    ],
)
def test_each_channel_is_recorded_on_the_case_with_its_paper_acknowledgment(
    territory, karim, jeanne, procedure, channel, where, lead
):
    client = logged_in(karim, HOST_A)
    filing = start(client, jeanne, procedure, channel=channel)
    fill_pages(client, filing, with_file=False)
    file(client, filing)
    case = Case.objects.get()
    assert case.channel == channel and case.person == jeanne
    assert titles(case) == [f"Commencée {where} par Karim Benali", f"Déposée {where} par Karim Benali"]
    assert case.events.get(title=f"Déposée {where} par Karim Benali").body.startswith(lead)
    from parvis.legal.models import Acknowledgment

    receipt = Acknowledgment.objects.get(case=case, kind="receipt")  # R112-5, a PDF to print
    assert receipt.document is not None
    assert not Acknowledgment.objects.filter(case=case, kind="registration").exists()  # not electronic


def test_someone_else_who_came_is_named_with_their_quality_or_the_filing_is_refused(
    territory, karim, jeanne, procedure
):
    client = logged_in(karim, HOST_A)
    filing = start(client, jeanne, procedure)
    fill_pages(client, filing, with_file=False)
    url = f"/backoffice/guichet/demarches/{filing.pk}/recapitulatif/"
    refused = client.post(url, {"visitor": "other", "visitor_name": "Paul Lefèvre"})
    assert refused.status_code == 400 and "Indiquez à quel titre elle vient" in refused.text
    assert 'value="Paul Lefèvre"' in refused.text and not Case.objects.exists()
    file(client, filing, visitor="other", visitor_name="Paul Lefèvre", visitor_quality="fils")
    case = Case.objects.get()
    event = case.events.get(title="Déposée à l'accueil par Karim Benali")
    assert event.body == "Personne venue au guichet : Paul Lefèvre (fils), pour Jeanne LEFÈVRE."
    filing.refresh_from_db()
    assert (filing.visitor, filing.visitor_name, filing.visitor_quality) == ("other", "Paul Lefèvre", "fils")
    page = client.get(f"/backoffice/demandes/{case.reference}/")
    assert "Paul Lefèvre (fils)" in page.text


def test_an_incomplete_form_or_a_person_without_contact_cannot_be_filed(territory, karim, procedure):
    client = logged_in(karim, HOST_A)
    nobody = light_identity(territory.commune_a, actor=karim, first_name="Sans", last_name="Contact", email="")
    filing = start(client, nobody, procedure)
    url = f"/backoffice/guichet/demarches/{filing.pk}/recapitulatif/"
    incomplete = client.post(url, {"visitor": "self"})
    assert incomplete.status_code == 400 and "Objet de la demande" in incomplete.text
    fill_pages(client, filing, with_file=False)
    no_contact = client.post(url, {"visitor": "self"})
    assert no_contact.status_code == 400 and "ni courriel ni téléphone" in no_contact.text
    assert not Case.objects.exists()


def test_a_page_with_a_mistake_comes_back_with_the_error_and_what_was_typed(territory, karim, jeanne, procedure):
    client = logged_in(karim, HOST_A)
    filing = start(client, jeanne, procedure)
    response = client.post(f"/backoffice/guichet/demarches/{filing.pk}/?page=1", {"_action": "next", "nombre": "deux"})
    assert response.status_code == 400
    assert 'value="deux"' in response.text and "Objet de la demande" in response.text


def _citizen_starts_online(client, procedure):
    first = client.get("/demarches/acte-naissance/formulaire/")
    token = re.search(r'name="draft_token" value="([0-9a-f]{32})"', first.text).group(1)
    response = client.post(
        "/demarches/acte-naissance/formulaire/?page=1",
        {"draft_token": token, "_action": "save", "objet": "Pour mon dossier"},
    )
    assert response.status_code == 302
    return Draft.objects.get()


def test_a_draft_started_online_is_continued_at_the_counter_from_its_code(territory, karim, jeanne, procedure):
    resident = Client(HTTP_HOST=HOST_A)
    draft = _citizen_starts_online(resident, procedure)
    page = resident.get("/demarches/acte-naissance/formulaire/?page=1")
    code = f"{draft.resume_code[:4]}-{draft.resume_code[4:]}"
    assert code in page.text and "<svg" in page.text  # the code and its QR code
    client = logged_in(karim, HOST_A)
    shown = client.get("/backoffice/guichet/reprendre/", {"code": code.lower()})  # what the QR code opens
    assert shown.status_code == 200 and "Pour qui ?" in shown.text
    chosen = client.get("/backoffice/guichet/reprendre/", {"code": code, "person": jeanne.pk})
    assert "Jeanne LEFÈVRE" in chosen.text
    response = client.post("/backoffice/guichet/reprendre/", {"code": code, "person": jeanne.pk, "channel": "counter"})
    filing = AssistedFiling.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/backoffice/guichet/demarches/{filing.pk}/"
    assert filing.draft_id == draft.pk
    summary = client.get(f"/backoffice/guichet/demarches/{filing.pk}/?page=1")
    assert 'value="Pour mon dossier"' in summary.text  # what the resident typed online
    fill_pages(client, filing, with_file=False)
    file(client, filing)
    case = Case.objects.get()
    assert Draft.objects.get().submitted_case == case and case.person == jeanne
    assert case.channel == Channel.COUNTER
    assert titles(case) == [
        "Commencée en ligne",
        "Poursuivie à l'accueil par Karim Benali",
        "Déposée à l'accueil par Karim Benali",
    ]
    events = list(case.events.order_by("created_at", "pk").values_list("title", flat=True))
    assert events.index("Commencée en ligne") < events.index("Demande déposée")


def test_a_wrong_code_is_refused_beside_the_field(territory, karim):
    client = logged_in(karim, HOST_A)
    response = client.get("/backoffice/guichet/reprendre/", {"code": "ZZZZ-ZZZZ"})
    assert response.status_code == 400 and "Aucun brouillon en cours ne correspond" in response.text
    assert 'value="ZZZZ-ZZZZ"' in response.text


def test_a_draft_of_an_account_is_continued_for_its_holder(territory, karim, procedure, citizen):
    resident = logged_in(citizen, HOST_A)
    draft = _citizen_starts_online(resident, procedure)
    assert draft.user == citizen
    client = logged_in(karim, HOST_A)
    other = light_identity(territory.commune_a, actor=karim)
    shown = client.get("/backoffice/guichet/reprendre/", {"code": draft.resume_code, "person": other.pk})
    assert citizen.email in shown.text and "Pour qui ?" not in shown.text
    client.post("/backoffice/guichet/reprendre/", {"code": draft.resume_code, "person": other.pk, "channel": "counter"})
    filing = AssistedFiling.objects.get()
    assert filing.person.user == citizen  # the account holder's record, created from the account
    fill_pages(client, filing, with_file=False)
    file(client, filing)
    case = Case.objects.get()
    assert case.requester == citizen and case.person == filing.person
    assert Draft.objects.get().user == citizen


def test_an_agent_hands_a_draft_to_the_resident_who_finishes_it_on_a_phone(territory, karim, jeanne, procedure):
    client = logged_in(karim, HOST_A)
    filing = start(client, jeanne, procedure)
    client.post(
        f"/backoffice/guichet/demarches/{filing.pk}/?page=1", {"_action": "next", "objet": "Commencé au guichet"}
    )
    form = client.get(f"/backoffice/guichet/demarches/{filing.pk}/confier/")
    assert 'value="jeanne.lefevre@example.fr"' in form.text
    bad = client.post(f"/backoffice/guichet/demarches/{filing.pk}/confier/", {"email": "", "phone": "12"})
    assert bad.status_code == 400 and not OutboundMessage.objects.filter(event="counter.handover").exists()
    response = client.post(
        f"/backoffice/guichet/demarches/{filing.pk}/confier/",
        {"email": "jeanne.lefevre@example.fr", "phone": "06 11 22 33 44"},
    )
    assert response.status_code == 302
    draft = Draft.objects.get()
    code = f"{draft.resume_code[:4]}-{draft.resume_code[4:]}"
    email = OutboundMessage.objects.get(event="counter.handover", channel="email")
    sms = OutboundMessage.objects.get(event="counter.handover", channel="sms")
    assert f"/demarches/reprendre/?code={code}" in email.body_text and code in sms.body_text
    assert draft.channel == Channel.WEB
    # On her phone: the link opens the resume page with the code filled in.
    phone = Client(HTTP_HOST=HOST_A)
    page = phone.get(f"/demarches/reprendre/?code={code}")
    assert f'value="{code}"' in page.text
    resumed = phone.post("/demarches/reprendre/", {"code": code})
    assert resumed.status_code == 302
    phone.post("/demarches/acte-naissance/formulaire/?page=2", {"_action": "next"})
    sent = phone.post(
        "/demarches/acte-naissance/recapitulatif/",
        {"first_name": "Jeanne", "last_name": "Lefèvre", "email": "jeanne.lefevre@example.fr", "notify_by_email": "on"},
    )
    assert sent.status_code == 302
    case = Case.objects.get()
    assert case.channel == Channel.WEB and case.person == jeanne
    assert titles(case) == [
        "Commencée à l'accueil par Karim Benali",
        "Confiée au demandeur par Karim Benali pour être terminée en ligne",
        "Terminée et envoyée en ligne par le demandeur",
    ]
    assert (
        "Lien envoyé par courriel à jeanne.lefevre@example.fr et par SMS au"
        in case.events.get(title__startswith="Confiée").body
    )
    assert AssistedFiling.objects.get().case == case
    # The resident sees the channels on her case too.
    timeline = phone.get(f"/suivi/?reference={case.reference}")
    assert timeline.status_code == 200


def test_an_online_draft_never_seen_at_the_counter_gets_no_channel_steps(territory, procedure):
    resident = Client(HTTP_HOST=HOST_A)
    _citizen_starts_online(resident, procedure)
    resident.post("/demarches/acte-naissance/formulaire/?page=1", {"_action": "next", "objet": "Seule"})
    resident.post("/demarches/acte-naissance/formulaire/?page=2", {"_action": "next"})
    resident.post(
        "/demarches/acte-naissance/recapitulatif/",
        {"first_name": "A", "last_name": "B", "email": "a@example.org", "notify_by_email": "on"},
    )
    case = Case.objects.get()
    assert titles(case) == [] and not ChannelStep.objects.exists()


def test_a_person_merged_away_leads_to_the_kept_record_at_the_counter(territory, karim, jeanne):
    from parvis.people.services import merge_persons

    duplicate = light_identity(territory.commune_a, actor=karim, email="autre@example.fr", birth_date=None)
    merge_persons(keep=jeanne, duplicate=duplicate, actor=karim)
    client = logged_in(karim, HOST_A)
    response = client.get(f"/backoffice/guichet/personnes/{duplicate.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/backoffice/guichet/personnes/{jeanne.pk}/"


def test_the_counter_home_is_a_bounded_number_of_queries(territory, karim, django_assert_max_num_queries):
    for n in range(15):
        light_identity(territory.commune_a, actor=karim, last_name=f"Durand{n}", email=f"d{n}@example.fr")
    client = logged_in(karim, HOST_A)
    with django_assert_max_num_queries(15):
        response = client.get(HOME, {"q": "durand"})
    assert response.text.count("/backoffice/guichet/personnes/") == 15


def test_a_citizen_or_an_agent_of_another_commune_cannot_use_the_counter(territory, agent_b, jeanne, procedure):
    citizen = UserFactory()
    assert logged_in(citizen, HOST_A).get(HOME).status_code == 403
    assert logged_in(agent_b, HOST_A).get(HOME).status_code == 403
    assert Client(HTTP_HOST=HOST_A).get(HOME).status_code == 302
    assert Person.objects.count() == 1


def test_a_record_created_from_the_counter_leads_to_its_counter_page(territory, karim):
    client = logged_in(karim, HOST_A)
    home = client.get(HOME, {"q": "Nouvelle Personne"})
    assert "/backoffice/personnes/nouvelle/?q=Nouvelle+Personne&amp;next=%2Fbackoffice%2Fguichet%2F" in home.text
    created = client.post("/backoffice/personnes/nouvelle/", {"last_name": "Nouvelle", "next": HOME})
    person = Person.objects.get(last_name="Nouvelle")
    assert created["Location"] == f"{HOME}?person={person.pk}"
    assert client.get(created["Location"])["Location"] == f"/backoffice/guichet/personnes/{person.pk}/"

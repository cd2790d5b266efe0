"""The mail room: registering letters, the receipt-date rules, qualifying, attaching, routing and
closing through the pages, the paper acknowledgment, outgoing letters, the tray and the 360° items."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.html import escape

from parvis.accounts.enums import Role
from parvis.audit.models import AuditEvent
from parvis.cases.enums import Channel, EventKind
from parvis.cases.models import CaseDocument, CaseEvent
from parvis.cases.services import submit_case
from parvis.legal.deadlines import compute_deadline
from parvis.legal.enums import AcknowledgmentKind
from parvis.legal.models import Acknowledgment
from parvis.mailroom.enums import LetterStatus
from parvis.mailroom.models import Letter, OutgoingLetter
from parvis.mailroom.services import (
    LetterError,
    close_letter,
    qualify_letter_into_case,
    register_letter,
    route_letter,
)
from parvis.people.models import Person
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory, published_procedure
from tests.mailroom.helpers import letter, pdf_upload, person, png_upload


@pytest.fixture
def procedure(territory, admin_a):
    return published_procedure(
        territory.commune_a, actor=admin_a, department=territory.department_a, slug="acte-par-courrier"
    )


@pytest.fixture
def clerk(territory):
    """The mail room: a front-office agent of commune A with no department (sees every letter)."""
    user = UserFactory(email="courrier@commune-a.test", first_name="Claire", last_name="Courrier")
    MembershipFactory(user=user, organisation=territory.commune_a, role=Role.FRONT_OFFICE, title="Agent d'accueil")
    return user


def _register_data(**extra):
    data = {
        "action": "save",
        "sender_first_name": "Jeanne",
        "sender_last_name": "Dupont",
        "sender_address": "3 rue des Lilas\n99000 Testville",
        "received_on": timezone.localdate().isoformat(),
        "description": "Demande de copie intégrale d'acte de naissance",
    }
    data.update(extra)
    return data


# --- Registering -----------------------------------------------------------------------------------


def test_an_agent_registers_a_letter_with_its_scans_and_a_light_identity_is_created(territory, clerk):
    client = logged_in(clerk, HOST_A)
    assert client.get("/backoffice/courrier/enregistrer/").status_code == 200
    response = client.post(
        "/backoffice/courrier/enregistrer/",
        _register_data(postmark_on=(timezone.localdate() - dt.timedelta(days=2)).isoformat())
        | {"scans": [pdf_upload("page1.pdf"), png_upload("page2.png")]},
    )
    registered = Letter.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/backoffice/courrier/{registered.pk}/"
    assert registered.number == f"C-{timezone.localdate().year}-00001"
    assert registered.status == LetterStatus.TO_QUALIFY and registered.registered_by == clerk
    assert registered.scans.count() == 2
    sender = registered.person
    assert sender is not None and sender.user is None and sender.last_name == "Dupont"
    assert sender.address.startswith("3 rue des Lilas")
    assert AuditEvent.objects.filter(action="letter.registered", organisation=territory.commune_a).exists()
    page = client.get(f"/backoffice/courrier/{registered.pk}/").content.decode()
    assert registered.number in page and "Jeanne Dupont" in page and "page2.png" in page


def test_numbers_follow_each_other_per_organisation(territory, clerk, agent_b):
    first = letter(territory.commune_a, clerk)
    second = letter(territory.commune_a, clerk)
    other = letter(territory.commune_b, agent_b)
    year = timezone.localdate().year
    assert (first.number, second.number, other.number) == (f"C-{year}-00001", f"C-{year}-00002", f"C-{year}-00001")


def test_the_same_sender_writing_again_is_linked_to_the_same_person(territory, clerk):
    first = letter(territory.commune_a, clerk, sender_email="jeanne@example.org")
    again = letter(territory.commune_a, clerk, sender_email="JEANNE@example.org", sender_address="")
    by_address = letter(territory.commune_a, clerk, sender_address="3, rue des lilas\n99000 TESTVILLE")
    assert first.person_id == again.person_id == by_address.person_id
    assert Person.objects.filter(organisation=territory.commune_a).count() == 1


def test_the_agent_finds_a_known_person_and_links_the_letter_to_them(territory, clerk):
    known = person(territory.commune_a, first_name="Marcel", last_name="Proust", address="1 rue A")
    client = logged_in(clerk, HOST_A)
    page = client.get("/backoffice/courrier/enregistrer/?sender_search=proust")
    assert page.status_code == 200 and "Marcel PROUST" in page.content.decode()
    assert f'name="person" value="{known.pk}"' in page.content.decode()
    assert not Letter.objects.exists()
    response = client.post(
        "/backoffice/courrier/enregistrer/",
        _register_data(sender_first_name="", sender_last_name="", sender_address="", person=known.pk),
    )
    registered = Letter.objects.get()
    assert response.status_code == 302 and registered.person == known
    assert registered.sender_name == "Marcel Proust" and registered.sender_address == "1 rue A"


def test_a_person_of_another_commune_cannot_be_chosen(territory, clerk):
    stranger = person(territory.commune_b)
    response = logged_in(clerk, HOST_A).post(
        "/backoffice/courrier/enregistrer/", _register_data(sender_last_name="", person=stranger.pk)
    )
    assert response.status_code == 400 and not Letter.objects.exists()


def test_a_receipt_date_in_the_future_is_refused_and_what_was_typed_is_kept(territory, clerk):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = logged_in(clerk, HOST_A).post(
        "/backoffice/courrier/enregistrer/", _register_data(received_on=tomorrow, description="Mon objet à garder")
    )
    page = response.content.decode()
    assert response.status_code == 400 and not Letter.objects.exists()
    assert "La date de réception ne peut pas être dans le futur." in page and "Mon objet à garder" in page
    assert 'aria-describedby="id_received_on_helptext id_received_on_error"' in page


def test_a_postmark_after_the_receipt_date_is_refused(territory, clerk):
    today = timezone.localdate()
    response = logged_in(clerk, HOST_A).post(
        "/backoffice/courrier/enregistrer/",
        _register_data(received_on=(today - dt.timedelta(days=3)).isoformat(), postmark_on=today.isoformat()),
    )
    assert response.status_code == 400 and "postérieur à la date de réception" in response.content.decode()
    with pytest.raises(LetterError, match="postérieur"):
        register_letter(
            organisation=territory.commune_a,
            sender_last_name="X",
            description="Y",
            received_on=today - dt.timedelta(days=3),
            postmark_on=today,
            actor=clerk,
        )
    with pytest.raises(LetterError, match="futur"):
        register_letter(
            organisation=territory.commune_a,
            sender_last_name="X",
            description="Y",
            received_on=today + dt.timedelta(days=1),
            actor=clerk,
        )


def test_the_receipt_date_defaults_to_today(territory, clerk):
    registered = register_letter(organisation=territory.commune_a, sender_last_name="X", description="Y", actor=clerk)
    assert registered.received_on == timezone.localdate()


def test_a_scan_that_is_not_a_pdf_or_an_image_is_refused_beside_the_field(territory, clerk):
    response = logged_in(clerk, HOST_A).post(
        "/backoffice/courrier/enregistrer/",
        _register_data() | {"scans": [SimpleUploadedFile("virus.exe", b"MZ\x90\x00binaire")]},
    )
    page = response.content.decode()
    assert response.status_code == 400 and not Letter.objects.exists()
    assert "type de fichier n&#x27;est pas accepté" in page and "choisissez-les de nouveau" in page


def test_save_and_next_brings_back_an_empty_form(territory, clerk):
    client = logged_in(clerk, HOST_A)
    response = client.post("/backoffice/courrier/enregistrer/", _register_data(action="save_next"))
    registered = Letter.objects.get()
    assert response.status_code == 302 and response["Location"].startswith("/backoffice/courrier/enregistrer/")
    page = client.get(response["Location"]).content.decode()
    assert registered.number in page


def test_scans_can_be_added_later_and_are_shown_inline(territory, clerk):
    registered = letter(territory.commune_a, clerk, scans=[])
    client = logged_in(clerk, HOST_A)
    response = client.post(f"/backoffice/courrier/{registered.pk}/fichiers/", {"scans": [png_upload("verso.png")]})
    assert response.status_code == 302
    scan = registered.scans.get()
    shown = client.get(f"/backoffice/courrier/{registered.pk}/fichiers/{scan.pk}/")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert shown["Content-Disposition"].startswith("inline")
    downloaded = client.get(f"/backoffice/courrier/{registered.pk}/fichiers/{scan.pk}/?telecharger=1")
    assert downloaded["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="personal_data.viewed", object_type__icontains="letterscan").exists()
    assert client.post(f"/backoffice/courrier/{registered.pk}/fichiers/", {}).status_code == 400


# --- Qualifying into a case: the receipt date drives the legal clock ------------------------------


def test_a_letter_received_ten_days_ago_starts_the_cases_clock_on_its_receipt_date(territory, clerk, procedure):
    received = timezone.localdate() - dt.timedelta(days=10)
    postmark = received - dt.timedelta(days=2)
    registered = letter(territory.commune_a, clerk, received_on=received, postmark_on=postmark)
    case = qualify_letter_into_case(letter=registered, procedure=procedure, actor=clerk).case
    assert case.channel == Channel.MAIL and case.received_on == received
    local = timezone.localtime(case.submitted_at)
    assert (local.date(), local.hour) == (received, 12)
    expected = compute_deadline(received=case.submitted_at, rule="sva", period=2, unit="months")
    assert case.last_day == expected.last_day and case.decision_due_on == expected.decision_date
    registered.refresh_from_db()
    assert registered.postmark_on == postmark  # kept for the resident's own deadlines
    event = CaseEvent.objects.get(case=case, kind=EventKind.CHANNEL_USED, data__letter=registered.pk)
    assert "cachet de la poste" in event.title and event.channel == Channel.MAIL


def test_an_agent_qualifies_a_letter_into_a_case_with_its_paper_acknowledgment(territory, clerk, procedure):
    registered = letter(territory.commune_a, clerk)
    client = logged_in(clerk, HOST_A)
    page = client.get(f"/backoffice/courrier/{registered.pk}/").content.decode()
    assert escape(procedure.title) in page
    response = client.post(f"/backoffice/courrier/{registered.pk}/demande/", {"procedure": procedure.pk})
    assert response.status_code == 302
    registered.refresh_from_db()
    case = registered.case
    assert registered.status == LetterStatus.QUALIFIED and registered.department == territory.department_a
    assert case.person == registered.person and case.requester is None
    assert case.answers == {"details": registered.description}  # the form's first long text field
    assert case.requester_name == "Jeanne Dupont"
    names = list(CaseDocument.objects.filter(case=case).values_list("name", flat=True))
    assert any(name.startswith("courrier-c-") and name.endswith("lettre.pdf") for name in names)
    receipt = Acknowledgment.objects.get(case=case, kind=AcknowledgmentKind.RECEIPT)
    assert receipt.document is not None and receipt.message is None  # no email: printed and posted
    assert not Acknowledgment.objects.filter(case=case, kind=AcknowledgmentKind.REGISTRATION).exists()
    page = client.get(response["Location"]).content.decode()
    assert case.reference in page and "Code de suivi" in page and "Imprimer l'accusé de réception" in page
    printed = client.get(f"/backoffice/courrier/{registered.pk}/accuse-de-reception/")
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
    assert b"".join(printed.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="letter.qualified", organisation=territory.commune_a).exists()


def test_a_letter_with_an_email_gets_its_acknowledgment_by_email_too(territory, clerk, procedure):
    registered = letter(territory.commune_a, clerk, sender_email="jeanne@example.org")
    case = qualify_letter_into_case(letter=registered, procedure=procedure, actor=clerk).case
    receipt = Acknowledgment.objects.get(case=case, kind=AcknowledgmentKind.RECEIPT)
    assert receipt.message is not None and receipt.message.to == "jeanne@example.org"


def test_a_letter_from_an_account_holder_is_filed_on_their_account(territory, clerk, procedure, citizen):
    from parvis.people.services import person_for_user

    record = person_for_user(organisation=territory.commune_a, user=citizen, actor=clerk)
    registered = letter(territory.commune_a, clerk, person=record)
    case = qualify_letter_into_case(letter=registered, procedure=procedure, actor=clerk).case
    assert case.requester == citizen and case.person == record


def test_a_sender_without_any_address_cannot_be_answered(territory, clerk, procedure):
    registered = letter(territory.commune_a, clerk, sender_address="")
    response = logged_in(clerk, HOST_A).post(
        f"/backoffice/courrier/{registered.pk}/demande/", {"procedure": procedure.pk}
    )
    assert response.status_code == 400 and "pour lui répondre" in response.content.decode()
    registered.refresh_from_db()
    assert registered.status == LetterStatus.TO_QUALIFY and registered.case is None


def test_a_procedure_not_open_to_mail_is_not_offered_and_refused(territory, clerk, procedure):
    procedure.channels = [Channel.WEB]
    procedure.save(update_fields=["channels"])
    registered = letter(territory.commune_a, clerk)
    client = logged_in(clerk, HOST_A)
    assert escape(procedure.title) not in client.get(f"/backoffice/courrier/{registered.pk}/").content.decode()
    response = client.post(f"/backoffice/courrier/{registered.pk}/demande/", {"procedure": procedure.pk})
    assert response.status_code == 400
    with pytest.raises(LetterError, match="par courrier"):
        qualify_letter_into_case(letter=registered, procedure=procedure, actor=clerk)


def test_a_letter_is_qualified_only_once(territory, clerk, procedure):
    registered = letter(territory.commune_a, clerk)
    qualify_letter_into_case(letter=registered, procedure=procedure, actor=clerk)
    with pytest.raises(LetterError, match="déjà traité"):
        qualify_letter_into_case(letter=registered, procedure=procedure, actor=clerk)
    response = logged_in(clerk, HOST_A).post(f"/backoffice/courrier/{registered.pk}/classer/", {"reason": "x"})
    assert response.status_code == 400


# --- Attaching, routing, closing -----------------------------------------------------------------


def _case(territory, procedure, citizen):
    return submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Copie"},
        requester=citizen,
        requester_name="Camille Martin",
        requester_email=citizen.email,
        actor=citizen,
    ).case


def test_an_agent_attaches_a_letter_to_an_existing_case(territory, clerk, procedure, citizen):
    case = _case(territory, procedure, citizen)
    registered = letter(territory.commune_a, clerk, received_on=timezone.localdate() - dt.timedelta(days=1))
    client = logged_in(clerk, HOST_A)
    wrong = client.post(f"/backoffice/courrier/{registered.pk}/rattacher/", {"reference": "XXX-2026-000000"})
    assert wrong.status_code == 400 and "Aucune demande" in wrong.content.decode()
    response = client.post(f"/backoffice/courrier/{registered.pk}/rattacher/", {"reference": case.reference.lower()})
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.status == LetterStatus.ATTACHED and registered.case == case
    event = CaseEvent.objects.get(case=case, kind=EventKind.CHANNEL_USED, data__letter=registered.pk)
    assert event.title.startswith("Courrier reçu le ") and event.channel == Channel.MAIL
    assert CaseDocument.objects.filter(case=case, name__endswith="lettre.pdf").count() == 1
    assert AuditEvent.objects.filter(action="letter.attached_to_case").exists()


def test_a_letter_cannot_be_attached_to_another_communes_case(territory, clerk, agent_b, citizen):
    other = submit_case(
        organisation=territory.commune_b,
        procedure=published_procedure(territory.commune_b, slug="autre-b"),
        answers={},
        requester=citizen,
        requester_name="Camille Martin",
        requester_email=citizen.email,
        actor=citizen,
    ).case
    registered = letter(territory.commune_a, clerk)
    response = logged_in(clerk, HOST_A).post(
        f"/backoffice/courrier/{registered.pk}/rattacher/", {"reference": other.reference}
    )
    assert response.status_code == 400
    registered.refresh_from_db()
    assert registered.case is None


def test_a_routed_letter_appears_in_the_tray_of_its_department_only(territory, clerk, agent_a):
    voirie = DepartmentFactory(organisation=territory.commune_a, name="Voirie A")
    road = UserFactory(email="voirie@commune-a.test")
    MembershipFactory(user=road, organisation=territory.commune_a, role=Role.BACK_OFFICE, department=voirie)
    registered = letter(territory.commune_a, clerk, description="Nid-de-poule rue Haute")
    client = logged_in(clerk, HOST_A)
    response = client.post(f"/backoffice/courrier/{registered.pk}/transmettre/", {"department": voirie.pk})
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.status == LetterStatus.ROUTED and registered.department == voirie
    assert "Nid-de-poule" in client.get(f"/backoffice/courrier/?department={voirie.pk}").content.decode()
    assert (
        "Nid-de-poule"
        not in client.get(f"/backoffice/courrier/?department={territory.department_a.pk}").content.decode()
    )
    assert "Nid-de-poule" in logged_in(road, HOST_A).get("/backoffice/courrier/").content.decode()
    # The état civil agent is limited to their department: the letter is not theirs.
    assert "Nid-de-poule" not in logged_in(agent_a, HOST_A).get("/backoffice/courrier/").content.decode()
    assert logged_in(agent_a, HOST_A).get(f"/backoffice/courrier/{registered.pk}/").status_code == 404
    with pytest.raises(LetterError, match="collectivité"):
        route_letter(letter=registered, department=territory.department_b, actor=clerk)


def test_closing_a_letter_needs_a_reason(territory, clerk):
    registered = letter(territory.commune_a, clerk)
    client = logged_in(clerk, HOST_A)
    response = client.post(f"/backoffice/courrier/{registered.pk}/classer/", {"reason": "  "})
    assert response.status_code == 400 and "obligatoire" in response.content.decode()
    response = client.post(f"/backoffice/courrier/{registered.pk}/classer/", {"reason": "Publicité"})
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.status == LetterStatus.CLOSED and registered.closed_reason == "Publicité"
    with pytest.raises(LetterError):
        close_letter(letter=registered, reason="encore", actor=clerk)


# --- The tray --------------------------------------------------------------------------------------


def test_the_tray_filters_by_status_and_date_and_keeps_its_queries_bounded(
    territory, clerk, django_assert_max_num_queries
):
    today = timezone.localdate()
    for day in range(30):
        letter(territory.commune_a, clerk, received_on=today - dt.timedelta(days=day), description=f"Objet n°{day}")
    old = Letter.objects.get(description="Objet n°20")
    close_letter(letter=old, reason="Doublon", actor=clerk)
    client = logged_in(clerk, HOST_A)
    with django_assert_max_num_queries(14):
        response = client.get("/backoffice/courrier/")
    assert response.status_code == 200 and "30 courriers" in response.content.decode()
    page = client.get("/backoffice/courrier/?status=closed").content.decode()
    assert "Objet n°20" in page and "Objet n°21" not in page
    since = (today - dt.timedelta(days=4)).isoformat()
    page = client.get(f"/backoffice/courrier/?start={since}").content.decode()
    assert "5 courriers" in page
    bad = client.get(f"/backoffice/courrier/?start={today.isoformat()}&end={since}")
    assert bad.status_code == 400 and "La fin de la période" in bad.content.decode()
    assert "Objet n°3" in client.get("/backoffice/courrier/?q=n°3").content.decode()


def test_the_tray_is_in_the_menu_for_the_mail_room_and_not_for_elected_officials(territory, clerk):
    page = logged_in(clerk, HOST_A).get("/backoffice/courrier/").content.decode()
    assert 'href="/backoffice/courrier/" aria-current="page"' in page or 'href="/backoffice/courrier/"' in page
    elected = UserFactory()
    MembershipFactory(user=elected, organisation=territory.commune_a, role=Role.ELECTED)
    assert logged_in(elected, HOST_A).get("/backoffice/courrier/").status_code == 403


def test_agents_of_another_commune_never_see_the_letters(territory, clerk, agent_b):
    registered = letter(territory.commune_a, clerk)
    assert logged_in(agent_b, HOST_B).get(f"/backoffice/courrier/{registered.pk}/").status_code == 404
    assert "Dupont" not in logged_in(agent_b, HOST_B).get("/backoffice/courrier/").content.decode()


# --- Outgoing letters ------------------------------------------------------------------------------


def test_an_agent_writes_a_letter_from_the_case_as_a_pdf_kept_with_the_case(territory, clerk, procedure):
    registered = letter(territory.commune_a, clerk)
    case = qualify_letter_into_case(letter=registered, procedure=procedure, actor=clerk).case
    client = logged_in(clerk, HOST_A)
    case_page = client.get(f"/backoffice/demandes/{case.reference}/").content.decode()
    assert f"/backoffice/courrier/ecrire/{case.reference}/" in case_page
    form = client.get(f"/backoffice/courrier/ecrire/{case.reference}/").content.decode()
    assert "3 rue des Lilas" in form and "Agent d&#x27;accueil" in form  # prefilled address, signatory's capacity
    empty = client.post(
        f"/backoffice/courrier/ecrire/{case.reference}/",
        {"recipient_name": "Jeanne Dupont", "recipient_address": "3 rue des Lilas", "subject": "Votre demande"},
    )
    assert empty.status_code == 400 and "Votre demande" in empty.content.decode()
    response = client.post(
        f"/backoffice/courrier/ecrire/{case.reference}/",
        {
            "recipient_name": "Jeanne Dupont",
            "recipient_address": "3 rue des Lilas\n99000 Testville",
            "subject": "Votre demande d'acte",
            "body": "Madame,\n\nVotre acte vous sera envoyé sous huit jours.\n\nCordialement.",
        },
    )
    sent = OutgoingLetter.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/backoffice/courrier/envoyes/{sent.pk}/"
    assert sent.signatory_title == "Agent d'accueil" and sent.signed_by == clerk
    document = sent.document
    assert document.case == case and document.issued_by_administration and document.visible_to_citizen
    assert CaseEvent.objects.filter(case=case, kind=EventKind.CHANNEL_USED, data__outgoing_letter=sent.pk).exists()
    pdf = client.get(f"/backoffice/courrier/envoyes/{sent.pk}/pdf/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert "Imprimer le courrier" in client.get(response["Location"]).content.decode()
    assert AuditEvent.objects.filter(action="letter.outgoing_created").exists()


def test_the_letterhead_carries_the_organisations_logo(territory, clerk, procedure):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from parvis.mailroom.pdf import letter_pdf

    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), "navy").save(buffer, format="PNG")
    territory.commune_a.logo.save("logo.png", ContentFile(buffer.getvalue()), save=True)
    with_logo = letter_pdf(
        organisation=territory.commune_a,
        department=None,
        reference="A-1",
        recipient_name="X",
        recipient_address="Y",
        subject="S",
        body="B",
        issued_on=timezone.localdate(),
        signatory_name="N",
        signatory_title="T",
    )
    assert with_logo.startswith(b"%PDF") and b"/Image" in with_logo


# --- 360° -----------------------------------------------------------------------------------------


def test_letters_received_and_sent_are_items_of_the_persons_360_view(territory, clerk, procedure, rf):
    from parvis.mailroom.people import person_items
    from parvis.mailroom.services import create_outgoing_letter

    registered = letter(territory.commune_a, clerk)
    case = qualify_letter_into_case(letter=registered, procedure=procedure, actor=clerk).case
    create_outgoing_letter(
        case=case, recipient_name="J", recipient_address="A", subject="Réponse", body="Texte", actor=clerk
    )
    request = rf.get("/", HTTP_HOST=HOST_A)
    request.user = clerk
    request.organisation = territory.commune_a
    items = person_items(registered.person, organisations=[territory.commune_a], request=request)
    assert {item.kind for item in items} == {"letter"}
    titles = [item.title for item in items]
    assert f"Courrier reçu {registered.number}" in titles and "Courrier envoyé — Réponse" in titles
    assert all(item.channel == Channel.MAIL for item in items)
    assert person_items(registered.person, organisations=[territory.commune_b], request=request) == []

"""The agents' tray: list, message page, create a case, attach, ignore; administrators' addresses."""

from __future__ import annotations

from unittest import mock

import pytest

from parvis.accounts.enums import Role
from parvis.audit.models import AuditEvent
from parvis.cases.enums import Channel, EventKind
from parvis.cases.services import submit_case
from parvis.inbox.enums import MessageStatus, Reason, Source
from parvis.inbox.models import InboundAddress
from parvis.inbox.services import ingest_message, webhook_secret_matches
from tests.conftest import HOST_A, logged_in
from tests.factories import MembershipFactory, UserFactory, published_procedure
from tests.inbox.helpers import PDF, address, email_bytes


@pytest.fixture
def waiting(territory):
    """An address without procedure: every new message waits in the tray."""
    return address(territory.commune_a, procedure=None)


def _receive(inbound, **kwargs):
    return ingest_message(raw=email_bytes(**kwargs), source=Source.WEBHOOK, address=inbound).message


def test_the_tray_lists_messages_to_qualify_first_with_a_bounded_number_of_queries(
    territory, waiting, agent_a, django_assert_max_num_queries
):
    bounce = _receive(waiting, subject="Vacances", headers={"Auto-Submitted": "auto-replied"})
    for n in range(5):
        _receive(waiting, subject=f"Question {n}")
    client = logged_in(agent_a, HOST_A)
    with django_assert_max_num_queries(12):
        response = client.get("/backoffice/courriels/")
    page = response.content.decode()
    assert response.status_code == 200 and "5 courriels à qualifier" in page
    assert page.index("Question 4") < page.index("Vacances")
    assert bounce.status == MessageStatus.IGNORED
    filtered = client.get("/backoffice/courriels/?etat=ignored").content.decode()
    assert "Vacances" in filtered and "Question 1" not in filtered


def test_the_message_page_shows_the_text_escaped_and_the_attachments(territory, waiting, agent_a):
    attachments = (("plan.pdf", "application/pdf", PDF),)
    message = _receive(waiting, text="Bonjour <script>alert('x')</script>", attachments=attachments)
    client = logged_in(agent_a, HOST_A)
    page = client.get(f"/backoffice/courriels/{message.pk}/").content.decode()
    assert "&lt;script&gt;alert" in page and "<script>alert" not in page
    assert "plan.pdf" in page
    download = client.get(f"/backoffice/courriels/{message.pk}/pieces/1/")
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Type"] == "application/octet-stream" and "attachment" in download["Content-Disposition"]
    assert client.get(f"/backoffice/courriels/{message.pk}/pieces/2/").status_code == 404


def test_an_agent_qualifies_a_message_into_a_case_of_the_chosen_procedure(territory, waiting, agent_a, admin_a):
    procedure = published_procedure(
        territory.commune_a, actor=admin_a, slug="voirie", department=territory.department_a
    )
    message = _receive(waiting, attachments=(("plan.pdf", "application/pdf", PDF),))
    client = logged_in(agent_a, HOST_A)
    response = client.post(f"/backoffice/courriels/{message.pk}/demande/", {"procedure": procedure.pk})
    message.refresh_from_db()
    case = message.case
    assert response.status_code == 302 and response["Location"] == f"/backoffice/demandes/{case.reference}/"
    assert (message.status, message.reason, message.handled_by) == (MessageStatus.CASE_CREATED, Reason.AGENT, agent_a)
    assert case.procedure == procedure and case.channel == Channel.EMAIL and case.person == message.person
    assert case.documents.filter(name="plan.pdf").exists()
    case_page = client.get(f"/backoffice/demandes/{case.reference}/").content.decode()
    assert f'href="/backoffice/courriels/{message.pk}/"' in case_page  # « Voir le courriel reçu »
    assert AuditEvent.objects.filter(action="inbox.case_created", actor=agent_a).exists()
    again = client.post(f"/backoffice/courriels/{message.pk}/demande/", {"procedure": procedure.pk})
    assert again.status_code == 400


def test_without_a_procedure_the_form_comes_back_with_the_error_beside_the_field(territory, waiting, agent_a):
    message = _receive(waiting)
    response = logged_in(agent_a, HOST_A).post(f"/backoffice/courriels/{message.pk}/demande/", {"procedure": ""})
    assert response.status_code == 400
    assert "aria-describedby" in response.content.decode() and "Ce champ est obligatoire" in response.content.decode()


def test_an_agent_attaches_a_message_to_a_case_by_its_reference(territory, waiting, agent_a, admin_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    case = submit_case(
        organisation=territory.commune_a, procedure=procedure, answers={"objet": "x"}, requester=None,
        requester_name="Jeanne Petit", requester_email="autre@example.org", actor=None,
    ).case  # fmt: skip
    message = _receive(waiting, subject="Complément", text="Voici mon complément.")
    client = logged_in(agent_a, HOST_A)
    unknown = client.post(f"/backoffice/courriels/{message.pk}/rattacher/", {"reference": "ZZZ-2026-000001"})
    assert unknown.status_code == 400 and "ZZZ-2026-000001" in unknown.content.decode()
    response = client.post(f"/backoffice/courriels/{message.pk}/rattacher/", {"reference": case.reference.lower()})
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.case) == (MessageStatus.ATTACHED, case)
    event = case.events.get(kind=EventKind.MESSAGE_FROM_CITIZEN)
    assert event.body == "Voici mon complément." and event.channel == Channel.EMAIL


def test_an_agent_ignores_a_message_with_a_reason(territory, waiting, agent_a):
    message = _receive(waiting, subject="Promotion")
    client = logged_in(agent_a, HOST_A)
    assert client.post(f"/backoffice/courriels/{message.pk}/ignorer/", {"reason": ""}).status_code == 400
    response = client.post(f"/backoffice/courriels/{message.pk}/ignorer/", {"reason": "publicité"})
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.reason, message.reason_detail) == (MessageStatus.IGNORED, Reason.AGENT, "publicité")


def test_a_message_that_failed_shows_its_error_and_can_still_be_qualified(territory, waiting, agent_a, admin_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    with mock.patch("parvis.inbox.services.parse_message", side_effect=ValueError("en-tête cassé")):
        message = _receive(waiting, subject="Cassé")
    client = logged_in(agent_a, HOST_A)
    page = client.get(f"/backoffice/courriels/{message.pk}/").content.decode()
    assert "Erreur de traitement" in page and "en-tête cassé" in page
    assert client.post(f"/backoffice/courriels/{message.pk}/demande/", {"procedure": procedure.pk}).status_code == 302


@pytest.mark.parametrize("role", [Role.ELECTED, Role.FIELD])
def test_elected_officials_and_field_agents_do_not_read_the_tray(territory, waiting, role):
    user = UserFactory(email=f"{role}@commune-a.test")
    MembershipFactory(user=user, organisation=territory.commune_a, role=role)
    message = _receive(waiting)
    client = logged_in(user, HOST_A)
    assert client.get("/backoffice/courriels/").status_code == 403
    assert client.get(f"/backoffice/courriels/{message.pk}/").status_code == 403


def test_a_front_office_agent_reads_the_tray(territory, waiting):
    user = UserFactory(email="accueil@commune-a.test")
    MembershipFactory(user=user, organisation=territory.commune_a, role=Role.FRONT_OFFICE)
    _receive(waiting, subject="Pour le guichet")
    assert "Pour le guichet" in logged_in(user, HOST_A).get("/backoffice/courriels/").content.decode()


def test_an_administrator_adds_an_address_with_imap_settings(territory, admin_a, agent_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a)
    client = logged_in(admin_a, HOST_A)
    data = {
        "nouvelle-address": "Contact@Commune-A.fr",
        "nouvelle-department": territory.department_a.pk,
        "nouvelle-procedure": procedure.pk,
        "nouvelle-is_active": "on",
        "nouvelle-imap_host": "imap.commune-a.fr",
        "nouvelle-imap_port": "993",
        "nouvelle-imap_ssl": "on",
        "nouvelle-imap_username": "contact",
        "nouvelle-imap_password": "mot-de-passe",
        "nouvelle-imap_folder": "INBOX",
    }
    response = client.post("/backoffice/courriels/adresses/", data)
    created = InboundAddress.objects.get()
    assert response.status_code == 302 and created.address == "contact@commune-a.fr"
    assert created.imap_password == "mot-de-passe" and "mot-de-passe" not in created.imap_password_encrypted
    assert created.procedure == procedure and created.department == territory.department_a
    duplicate = client.post("/backoffice/courriels/adresses/", data)
    assert duplicate.status_code == 400 and "reçoit déjà" in duplicate.content.decode()
    edit = {k.removeprefix("nouvelle-"): v for k, v in data.items()} | {"imap_password": "", "imap_port": "143"}
    assert client.post(f"/backoffice/courriels/adresses/{created.pk}/", edit).status_code == 302
    created.refresh_from_db()
    assert created.imap_port == 143 and created.imap_password == "mot-de-passe"
    assert logged_in(agent_a, HOST_A).get("/backoffice/courriels/adresses/").status_code == 403


def test_the_webhook_secret_is_shown_once_and_stored_hashed(territory, admin_a):
    inbound = address(territory.commune_a, procedure=None)
    client = logged_in(admin_a, HOST_A)
    page = client.post(f"/backoffice/courriels/adresses/{inbound.pk}/secret/").content.decode()
    secret = page.split('<p class="inbox-secret">')[1].split("</p>")[0]
    inbound.refresh_from_db()
    assert secret.startswith("pvi_") and webhook_secret_matches(inbound, secret)
    assert secret not in client.get(f"/backoffice/courriels/adresses/{inbound.pk}/").content.decode()
    assert f"/inbox/{inbound.pk}/mime/" in page


def test_the_tray_is_in_the_agents_menu(territory, agent_a):
    page = logged_in(agent_a, HOST_A).get("/backoffice/").content.decode()
    assert "/backoffice/courriels/" in page

"""Receiving an email: parsing, new case, reference attaches, machines ignored, nothing lost."""

from __future__ import annotations

from unittest import mock

import pytest

from parvis.audit.models import AuditEvent
from parvis.cases.enums import Channel, EventKind
from parvis.cases.services import submit_case
from parvis.inbox.enums import MessageStatus, Reason, Source
from parvis.inbox.models import InboundMessage
from parvis.inbox.parsing import html_to_text, parse_message
from parvis.inbox.services import UnknownAddress, ingest_message
from parvis.people.models import Person
from parvis.people.services import create_person
from tests.inbox.helpers import PDF, address, email_bytes, png


@pytest.fixture
def inbound(territory, admin_a):
    return address(territory.commune_a, actor=admin_a, department=territory.department_a)


def test_a_plain_email_becomes_a_case_filed_by_email_with_its_body_as_description(inbound, territory):
    result = ingest_message(raw=email_bytes(), source=Source.WEBHOOK, envelope_recipients=[inbound.address])
    message = result.message
    assert result.created and message.status == MessageStatus.CASE_CREATED
    case = message.case
    assert case.organisation == territory.commune_a and case.channel == Channel.EMAIL
    assert case.answers["objet"] == "Horaires de la mairie"
    assert "Quels sont vos horaires samedi ?" in case.answers["details"]
    assert case.requester is None and case.requester_email == "jeanne.petit@example.org"
    assert case.department == territory.department_a
    person = message.person
    assert case.person == person and (person.first_name, person.last_name) == ("Jeanne", "Petit")
    assert person.email == "jeanne.petit@example.org" and person.user is None
    assert case.events.filter(kind=EventKind.CHANNEL_USED, channel=Channel.EMAIL).exists()
    assert AuditEvent.objects.filter(action="inbox.message_received", organisation=territory.commune_a).exists()


def test_the_raw_message_is_kept_byte_for_byte(inbound):
    raw = email_bytes(subject="Conservé tel quel")
    message = ingest_message(raw=raw, source=Source.SMTP, address=inbound).message
    assert bytes(message.raw) == raw and message.size == len(raw) and message.source == Source.SMTP


def test_a_known_sender_is_found_by_email_not_created_again(inbound, territory):
    known = create_person(
        organisation=territory.commune_a, actor=None, first_name="Jeanne", last_name="Petit",
        email="Jeanne.Petit@example.org",
    )  # fmt: skip
    message = ingest_message(raw=email_bytes(), source=Source.WEBHOOK, address=inbound).message
    assert message.person == known and message.case.person == known
    assert Person.objects.filter(organisation=territory.commune_a).count() == 1


def test_an_html_only_email_is_read_as_text_without_its_tags_or_scripts(inbound):
    html = (
        "<html><head><style>p{}</style></head><body><p>Bonjour&nbsp;!</p>"
        "<script>alert(1)</script><p>Ligne <b>deux</b></p></body></html>"
    )
    message = ingest_message(raw=email_bytes(text=None, html=html), source=Source.WEBHOOK, address=inbound).message
    assert message.body_text == "Bonjour !\n\nLigne deux"
    assert "alert" not in message.body_text and "<" not in message.case.answers["details"]


def test_html_to_text_keeps_paragraphs_and_list_items():
    assert html_to_text("<p>Un</p><ul><li>a</li><li>b</li></ul>") == "Un\n\n- a\n\n- b"


def test_encoded_headers_are_decoded(inbound):
    raw = (
        b"From: =?utf-8?q?Fran=C3=A7oise_L=C3=A9ger?= <fl@example.org>\r\n"
        b"To: mairie@commune-a.localhost\r\n"
        b"Subject: =?iso-8859-1?q?D=E9chets_verts_=E0_br=FBler?=\r\n"
        b"Message-ID: <enc-1@example.org>\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"Puis-je br=FBler mes d=E9chets verts ?\r\n"
    )
    message = ingest_message(raw=raw, source=Source.WEBHOOK, address=inbound).message
    assert message.from_name == "Françoise Léger" and message.subject == "Déchets verts à brûler"
    assert message.body_text == "Puis-je brûler mes déchets verts ?"
    assert message.person.first_name == "Françoise" and message.person.last_name == "Léger"


def test_attachments_become_case_documents_and_unaccepted_ones_are_listed(inbound):
    raw = email_bytes(
        attachments=(
            ("justificatif.pdf", "application/pdf", PDF),
            ("photo.png", "image/png", png()),
            ("macro.docm", "application/octet-stream", b"PK\x03\x04 not accepted"),
        )
    )
    message = ingest_message(raw=raw, source=Source.WEBHOOK, address=inbound).message
    assert message.status == MessageStatus.CASE_CREATED and message.attachment_count == 3
    names = sorted(message.case.documents.filter(issued_by_administration=False).values_list("name", flat=True))
    assert names == ["justificatif.pdf", "photo.png"]
    summary = message.case.events.get(kind=EventKind.CHANNEL_USED, title="Demande reçue par courriel").body
    assert "macro.docm" in summary and "non ajoutées" in summary


def test_parse_message_lists_attachments_and_prefers_the_plain_text():
    parsed = parse_message(email_bytes(html="<p>HTML</p>", attachments=(("a.pdf", "application/pdf", PDF),)))
    assert parsed.text.startswith("Bonjour") and [a.filename for a in parsed.attachments] == ["a.pdf"]
    assert parsed.attachments[0].data == PDF


@pytest.mark.parametrize(
    ("headers", "sender", "reason"),
    [
        ({"Auto-Submitted": "auto-replied"}, "Jeanne <jeanne@example.org>", Reason.AUTO_REPLY),
        ({"X-Autoreply": "yes"}, "Jeanne <jeanne@example.org>", Reason.AUTO_REPLY),
        ({"X-Autorespond": "vacances"}, "Jeanne <jeanne@example.org>", Reason.AUTO_REPLY),
        ({"Precedence": "bulk"}, "Lettre <news@example.org>", Reason.AUTO_REPLY),
        ({"Precedence": "list"}, "Liste <liste@example.org>", Reason.AUTO_REPLY),
        ({"Return-Path": "<>"}, "Jeanne <jeanne@example.org>", Reason.BOUNCE),
        ({}, "Mail Delivery System <MAILER-DAEMON@mx.example.org>", Reason.BOUNCE),
    ],
)
def test_bounces_and_auto_replies_are_ignored_and_create_no_case(inbound, headers, sender, reason):
    raw = email_bytes(sender=sender, headers=headers)
    message = ingest_message(raw=raw, source=Source.WEBHOOK, address=inbound).message
    assert (message.status, message.reason, message.case) == (MessageStatus.IGNORED, reason, None)


def test_a_delivery_status_report_is_a_bounce(inbound):
    raw = (
        b"From: postmaster@mx.example.org\r\nTo: mairie@commune-a.localhost\r\nSubject: Undelivered\r\n"
        b"Message-ID: <dsn-1@example.org>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--b--\r\n"
    )
    message = ingest_message(raw=raw, source=Source.WEBHOOK, address=inbound).message
    assert (message.status, message.reason) == (MessageStatus.IGNORED, Reason.BOUNCE)


def test_auto_submitted_no_is_a_person_writing(inbound):
    raw = email_bytes(headers={"Auto-Submitted": "no"})
    assert ingest_message(raw=raw, source=Source.WEBHOOK, address=inbound).message.status == MessageStatus.CASE_CREATED


def test_a_message_from_one_of_our_own_addresses_is_ignored_as_a_loop(inbound):
    raw = email_bytes(sender=f"Mairie <{inbound.address}>")
    message = ingest_message(raw=raw, source=Source.WEBHOOK, address=inbound).message
    assert (message.status, message.reason) == (MessageStatus.IGNORED, Reason.LOOP)


def test_the_same_message_id_received_twice_is_stored_once_and_files_one_case(inbound):
    raw = email_bytes(message_id="<once@example.org>")
    first = ingest_message(raw=raw, source=Source.IMAP, address=inbound)
    again = ingest_message(raw=raw, source=Source.WEBHOOK, address=inbound)
    assert first.created and not again.created and again.message.pk == first.message.pk
    assert InboundMessage.objects.count() == 1


def _case_of(territory, procedure, email="jeanne.petit@example.org"):
    return submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Première demande"},
        requester=None,
        requester_name="Jeanne Petit",
        requester_email=email,
        actor=None,
    ).case


def test_a_reference_in_the_subject_attaches_the_email_to_that_case(inbound, territory):
    case = _case_of(territory, inbound.procedure)
    raw = email_bytes(subject=f"Re: votre demande {case.reference.lower()}", text="Voici la pièce demandée.",
                      attachments=(("piece.pdf", "application/pdf", PDF),))  # fmt: skip
    message = ingest_message(raw=raw, source=Source.WEBHOOK, address=inbound).message
    assert (message.status, message.reason, message.case) == (MessageStatus.ATTACHED, Reason.REFERENCE, case)
    event = case.events.get(kind=EventKind.MESSAGE_FROM_CITIZEN)
    assert event.body == "Voici la pièce demandée." and event.channel == Channel.EMAIL
    assert list(case.documents.filter(issued_by_administration=False).values_list("name", flat=True)) == ["piece.pdf"]
    assert case.__class__.objects.filter(organisation=territory.commune_a).count() == 1


def test_a_reference_cited_by_someone_else_waits_for_an_agent(inbound, territory):
    case = _case_of(territory, inbound.procedure, email="autre@example.org")
    raw = email_bytes(subject=f"A propos de {case.reference}")
    message = ingest_message(raw=raw, source=Source.WEBHOOK, address=inbound).message
    assert (message.status, message.reason, message.case) == (MessageStatus.TO_QUALIFY, Reason.OTHER_SENDER, case)
    assert not case.events.filter(kind=EventKind.MESSAGE_FROM_CITIZEN).exists()


def test_a_reference_of_another_prefix_files_a_new_case(inbound):
    raw = email_bytes(subject="Re: XYZ-2026-000001")
    message = ingest_message(raw=raw, source=Source.WEBHOOK, address=inbound).message
    assert message.status == MessageStatus.CASE_CREATED


def test_a_message_that_breaks_the_parser_is_kept_in_the_tray_with_the_error(inbound):
    raw = email_bytes(subject="Illisible")
    with mock.patch("parvis.inbox.services.parse_message", side_effect=ValueError("structure MIME cassée")):
        message = ingest_message(raw=raw, source=Source.WEBHOOK, address=inbound).message
    assert (message.status, message.reason) == (MessageStatus.TO_QUALIFY, Reason.PARSE_ERROR)
    assert "structure MIME cassée" in message.error and bytes(message.raw) == raw
    assert message.subject == "Illisible" and message.case is None


def test_garbage_bytes_are_still_stored(inbound):
    raw = b"\x00\xff\xfe not an email at all \x80\x81"
    message = ingest_message(raw=raw, source=Source.WEBHOOK, address=inbound).message
    assert message.pk and bytes(message.raw) == raw and message.status == MessageStatus.TO_QUALIFY


def test_an_address_without_procedure_leaves_new_messages_to_qualify_with_the_known_sender(territory):
    inbound = address(territory.commune_a, procedure=None)
    message = ingest_message(raw=email_bytes(), source=Source.WEBHOOK, address=inbound).message
    assert (message.status, message.reason, message.person) == (MessageStatus.TO_QUALIFY, Reason.NO_PROCEDURE, None)
    known = create_person(organisation=territory.commune_a, actor=None, last_name="Roy", email="paul@example.org")
    other = ingest_message(raw=email_bytes(sender="paul@example.org"), source=Source.WEBHOOK, address=inbound)
    assert other.message.person == known and not Person.objects.exclude(pk=known.pk).exists()


def test_the_address_is_found_from_the_envelope_or_the_headers(inbound):
    raw = email_bytes(to="Mairie <MAIRIE@commune-a.localhost>")
    assert ingest_message(raw=raw, source=Source.WEBHOOK).message.address == inbound
    with pytest.raises(UnknownAddress):
        ingest_message(raw=email_bytes(to="inconnu@example.org", message_id="<x@y>"), source=Source.WEBHOOK)


def test_an_inactive_address_receives_nothing(inbound):
    inbound.is_active = False
    inbound.save()
    with pytest.raises(UnknownAddress):
        ingest_message(raw=email_bytes(), source=Source.SMTP, envelope_recipients=[inbound.address])

"""The SMTP listener (aiosmtpd) on a free loopback port, spoken to with smtplib."""

from __future__ import annotations

import smtplib
import socket

import pytest

from parvis.inbox.enums import MessageStatus, Reason, Source
from parvis.inbox.models import InboundMessage
from parvis.inbox.smtp import start_listener
from tests.inbox.helpers import address, email_bytes

pytestmark = pytest.mark.django_db(transaction=True)  # the listener's thread has its own connection


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def listener():
    port = _free_port()
    controller = start_listener("127.0.0.1", port)
    yield port
    controller.stop()


def test_a_message_sent_to_a_known_address_becomes_a_case(listener, territory, admin_a):
    inbound = address(territory.commune_a, actor=admin_a)
    with smtplib.SMTP("127.0.0.1", listener, timeout=10) as client:
        refused = client.sendmail("jeanne.petit@example.org", [inbound.address], email_bytes())
    assert refused == {}
    message = InboundMessage.objects.get()
    assert (message.source, message.status) == (Source.SMTP, MessageStatus.CASE_CREATED)
    assert message.case.channel == "email" and message.case.requester_email == "jeanne.petit@example.org"
    assert bytes(message.raw).startswith(b"Return-Path: <jeanne.petit@example.org>\r\n")


def test_an_unknown_recipient_is_refused_with_550(listener, territory):
    address(territory.commune_a, procedure=None)
    with smtplib.SMTP("127.0.0.1", listener, timeout=10) as client:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            client.sendmail("x@example.org", ["personne@commune-a.localhost"], email_bytes())
    assert refused.value.recipients["personne@commune-a.localhost"][0] == 550
    assert not InboundMessage.objects.exists()


def test_a_bounce_with_an_empty_envelope_sender_is_ignored(listener, territory):
    inbound = address(territory.commune_a, procedure=None)
    with smtplib.SMTP("127.0.0.1", listener, timeout=10) as client:
        client.sendmail("", [inbound.address], email_bytes(sender="Jeanne <jeanne@example.org>"))
    message = InboundMessage.objects.get()
    assert (message.status, message.reason) == (MessageStatus.IGNORED, Reason.BOUNCE)

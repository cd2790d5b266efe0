"""The IMAP relève against a local IMAP4rev1 double: unread messages ingested then marked \\Seen."""

from __future__ import annotations

import pytest

from parvis.inbox.crypto import encrypt
from parvis.inbox.enums import MessageStatus, Source
from parvis.inbox.imap import poll_address, poll_all
from parvis.inbox.models import InboundMessage
from parvis.inbox.tasks import poll_mailboxes
from tests.inbox.helpers import address, email_bytes
from tests.inbox.imap_double import ImapDouble


@pytest.fixture
def imap():
    with ImapDouble() as double:
        yield double


@pytest.fixture
def mailbox_address(territory, admin_a, imap):
    return address(
        territory.commune_a,
        actor=admin_a,
        imap_host="127.0.0.1",
        imap_port=imap.port,
        imap_ssl=False,
        imap_username="mairie",
        imap_password_encrypted=encrypt("s3cret"),
    )


def test_the_releve_ingests_unread_messages_and_marks_them_seen(imap, mailbox_address):
    first = imap.mailbox.add(email_bytes(subject="Premier"))
    already_read = imap.mailbox.add(email_bytes(subject="Déjà lu"), seen=True)
    second = imap.mailbox.add(email_bytes(subject="Second", sender="Paul Roy <paul@example.org>"))
    result = poll_address(mailbox_address)
    assert (result.fetched, result.error) == (2, "")
    subjects = sorted(InboundMessage.objects.values_list("subject", flat=True))
    assert subjects == ["Premier", "Second"]
    assert all(m.source == Source.IMAP and m.status == MessageStatus.CASE_CREATED for m in InboundMessage.objects.all())
    assert first.seen and second.seen and already_read.seen
    sent = " ".join(imap.mailbox.commands)
    assert "UID SEARCH UNSEEN" in sent and "UID FETCH 1 (RFC822)" in sent and "UID STORE 1 +FLAGS (\\Seen)" in sent
    mailbox_address.refresh_from_db()
    assert mailbox_address.last_polled_at is not None and mailbox_address.last_poll_error == ""


def test_a_second_releve_fetches_nothing_new(imap, mailbox_address):
    imap.mailbox.add(email_bytes())
    poll_address(mailbox_address)
    assert poll_address(mailbox_address).fetched == 0 and InboundMessage.objects.count() == 1


def test_a_message_fetched_again_after_a_crash_is_not_stored_twice(imap, mailbox_address):
    stored = imap.mailbox.add(email_bytes(message_id="<crash@example.org>"))
    poll_address(mailbox_address)
    stored.seen = False  # as if the STORE had been lost
    assert poll_address(mailbox_address).fetched == 1
    assert InboundMessage.objects.count() == 1


def test_a_wrong_password_is_reported_on_the_address_and_nothing_is_marked(imap, mailbox_address):
    mailbox_address.imap_password_encrypted = encrypt("faux")
    mailbox_address.save()
    stored = imap.mailbox.add(email_bytes())
    result = poll_address(mailbox_address)
    assert result.fetched == 0 and "Invalid credentials" in result.error and not stored.seen
    mailbox_address.refresh_from_db()
    assert "Invalid credentials" in mailbox_address.last_poll_error


def test_a_server_that_does_not_answer_is_reported(mailbox_address):
    mailbox_address.imap_port = 1  # nothing listens there
    mailbox_address.save()
    result = poll_address(mailbox_address)
    assert result.fetched == 0 and result.error.startswith("Connexion impossible")


def test_the_periodic_task_polls_every_active_address_with_imap_settings(imap, mailbox_address, territory):
    address(territory.commune_a, email="sans-imap@commune-a.localhost", procedure=None)
    imap.mailbox.add(email_bytes())
    assert poll_all() == 1
    imap.mailbox.add(email_bytes())
    assert poll_mailboxes.call() == 1

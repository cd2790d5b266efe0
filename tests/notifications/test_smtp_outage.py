"""An SMTP server that is down loses no message: tested against a real local SMTP server."""

from __future__ import annotations

import datetime as dt
import socket
from email import message_from_bytes, policy

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.test import override_settings
from django.utils import timezone

from parvis.notifications import services
from parvis.notifications.enums import MessageStatus
from parvis.notifications.models import OutboundMessage
from parvis.notifications.tasks import deliver_message, retry_due_messages

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class Recorder:
    """aiosmtpd handler keeping every message the server accepted."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_port() -> int:
    return free_port()


def start_server(recorder: Recorder, port: int) -> Controller:
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def smtp_settings(port: int) -> override_settings:
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_TIMEOUT=5,
        TASKS=IMMEDIATE_TASKS,
    )


def test_messages_queued_during_an_smtp_outage_all_arrive_exactly_once(
    territory, smtp_port, django_capture_on_commit_callbacks
):
    recorder = Recorder()
    server = start_server(recorder, smtp_port)
    with smtp_settings(smtp_port):
        with django_capture_on_commit_callbacks(execute=False):  # the worker has not run yet
            queued = [
                services.queue_message(
                    organisation=territory.commune_a,
                    event="notifications.test",
                    to=f"habitant{n}@example.org",
                    context={"recipient_name": f"Habitant {n}"},
                )
                for n in range(3)
            ]
        server.stop()

        # The worker runs while the server is down: nothing is lost, everything waits.
        for message in queued:
            deliver_message.call(message.pk)
        for message in queued:
            message.refresh_from_db()
            assert message.status == MessageStatus.QUEUED
            assert message.attempts == 1
            assert message.last_error
            assert message.next_attempt_at > timezone.now()
        assert recorder.received == []

        # The server comes back; nothing is due yet, then time passes and the retry job runs.
        server = start_server(recorder, smtp_port)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                assert retry_due_messages() is None
            assert recorder.received == []
            with time_machine.travel(timezone.now() + dt.timedelta(minutes=5), tick=True):
                with django_capture_on_commit_callbacks(execute=True):
                    retry_due_messages()
                # A duplicate task (e.g. a second worker) and the job running again change nothing.
                for message in queued:
                    deliver_message.call(message.pk)
                with django_capture_on_commit_callbacks(execute=True):
                    retry_due_messages()
        finally:
            server.stop()

    recipients = sorted(rcpt for rcpts, _ in recorder.received for rcpt in rcpts)
    assert recipients == ["habitant0@example.org", "habitant1@example.org", "habitant2@example.org"]
    ids = sorted(message_from_bytes(content)["X-Parvis-Message"] for _, content in recorder.received)
    assert ids == sorted(str(m.pk) for m in queued)
    for message in OutboundMessage.objects.filter(pk__in=[m.pk for m in queued]):
        assert message.status == MessageStatus.SENT
        assert message.attempts == 2
        assert list(message.delivery_attempts.values_list("succeeded", flat=True)) == [False, True]


def test_the_email_reaching_the_smtp_server_is_the_stored_message(territory, smtp_port):
    recorder = Recorder()
    server = start_server(recorder, smtp_port)
    try:
        with smtp_settings(smtp_port), override_settings(DEFAULT_FROM_EMAIL="Parvis <envoi@parvis.test>"):
            message = services.queue_message(
                organisation=territory.commune_a,
                event="notifications.test",
                to="camille@example.org",
                context={"recipient_name": "Camille"},
            )
            deliver_message.call(message.pk)
    finally:
        server.stop()

    [(rcpts, content)] = recorder.received
    email = message_from_bytes(content, policy=policy.default)
    assert rcpts == ["camille@example.org"]
    assert email["Subject"] == "Message d'essai de Commune A"
    assert email["From"] == "Commune A <envoi@parvis.test>"
    assert email["Reply-To"] == "contact@commune-a.test"
    assert email.is_multipart()
    message.refresh_from_db()
    assert message.provider_message_id == email["Message-ID"]

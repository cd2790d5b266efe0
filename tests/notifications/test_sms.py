"""SMS: French numbers in E.164, the console backend, and the HTTP backend against a local test double."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from parvis.notifications import services
from parvis.notifications.enums import MessageStatus
from parvis.notifications.sms import (
    ConsoleBackend,
    HttpBackend,
    InvalidPhoneNumber,
    SmsDeliveryError,
    normalise_phone,
)
from parvis.notifications.tasks import deliver_message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("07-12-34-56-78", "+33712345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+33 (0)6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("01 23 45 67 89", "+33123456789"),
        ("+262 692 12 34 56", "+262692123456"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "12", "06 12 34 56", "+33 06 12 34 56 78", "00 12", "06 12 34 56 78 90", "abc"])
def test_invalid_phone_numbers_are_refused_in_french(raw):
    with pytest.raises(InvalidPhoneNumber, match="n'est pas"):
        normalise_phone(raw)


def test_the_console_backend_prints_the_sms(capsys):
    assert ConsoleBackend().send("+33612345678", "Votre rendez-vous est confirmé.", "ADMIVILLE") == ""

    out = capsys.readouterr().out
    assert "+33612345678" in out and "Votre rendez-vous est confirmé." in out and "ADMIVILLE" in out


class FakeProvider(BaseHTTPRequestHandler):
    """A stand-in SMS provider on loopback: records requests, answers with ``server.reply_status``."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
        length = int(self.headers["Content-Length"])
        self.server.requests.append(  # type: ignore[attr-defined]
            {"path": self.path, "headers": dict(self.headers), "json": json.loads(self.rfile.read(length))}
        )
        status = self.server.reply_status  # type: ignore[attr-defined]
        body = json.dumps({"id": "sms-42"} if status < 300 else {"error": "indisponible"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def provider() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProvider)
    server.requests = []  # type: ignore[attr-defined]
    server.reply_status = 200  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def provider_settings(server: ThreadingHTTPServer) -> override_settings:
    return override_settings(
        PARVIS_SMS_BACKEND="parvis.notifications.sms.HttpBackend",
        PARVIS_SMS_HTTP_URL=f"http://127.0.0.1:{server.server_address[1]}/v1/sms",
        PARVIS_SMS_HTTP_TOKEN="jeton-de-test",
        PARVIS_SMS_SENDER="ADMIVILLE",
    )


def test_an_sms_is_posted_to_the_http_provider_and_marked_sent(territory, provider):
    with provider_settings(provider):
        message = services.queue_message(
            organisation=territory.commune_a, event="notifications.test", to="06 12 34 56 78", context={}, channel="sms"
        )
        deliver_message.call(message.pk)

    [request] = provider.requests
    assert request["path"] == "/v1/sms"
    assert request["headers"]["Authorization"] == "Bearer jeton-de-test"
    assert request["json"] == {
        "to": "+33612345678",
        "body": "Commune A : message d'essai, l'envoi de SMS fonctionne.",
        "sender": "ADMIVILLE",
    }
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.provider_message_id == "sms-42"


def test_a_provider_error_keeps_the_sms_queued_for_a_retry(territory, provider):
    provider.reply_status = 500
    with provider_settings(provider):
        message = services.queue_message(
            organisation=territory.commune_a, event="notifications.test", to="0612345678", context={}, channel="sms"
        )
        deliver_message.call(message.pk)

    assert len(provider.requests) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert "500" in message.last_error
    assert message.next_attempt_at is not None


def test_an_unreachable_provider_raises_a_delivery_error(provider):
    port = provider.server_address[1]
    provider.shutdown()
    provider.server_close()

    with pytest.raises(SmsDeliveryError, match="injoignable"):
        HttpBackend(url=f"http://127.0.0.1:{port}/sms", token="t", timeout=2).send("+33612345678", "x", "P")


def test_the_http_backend_refuses_to_run_unconfigured():
    with pytest.raises(SmsDeliveryError, match="PARVIS_SMS_HTTP_URL"):
        HttpBackend(url="", token="").send("+33612345678", "x", "P")

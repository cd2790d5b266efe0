"""SMS providers. ``settings.PARVIS_SMS_BACKEND`` names the backend class.

A backend has ``send(to, body, sender) -> provider message id`` and raises
``SmsDeliveryError`` on failure, so the outbox retries later.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("parvis.notifications.sms")


class SmsDeliveryError(Exception):
    """The provider did not accept the SMS."""


class InvalidPhoneNumber(ValueError):
    """A phone number that cannot be turned into an international (E.164) number."""


def normalise_phone(number: str) -> str:
    """A French (or already international) phone number in E.164 form, e.g. ``+33612345678``.

    Accepts spaces, dots, dashes and parentheses, ``0X XX XX XX XX``, ``+33 (0)6…``,
    ``0033…``; other countries only in international form (``+`` or ``00``).
    """
    cleaned = re.sub(r"[\s.\-/]", "", number or "").replace("(0)", "")
    cleaned = cleaned.replace("(", "").replace(")", "")
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    if re.fullmatch(r"0[1-9]\d{8}", cleaned):
        return "+33" + cleaned[1:]
    if cleaned.startswith("+33"):
        if re.fullmatch(r"\+33[1-9]\d{8}", cleaned):
            return cleaned
        raise InvalidPhoneNumber(f"Le numéro « {number} » n'est pas un numéro français valide.")
    if re.fullmatch(r"\+[1-9]\d{7,14}", cleaned):
        return cleaned
    raise InvalidPhoneNumber(
        f"Le numéro « {number} » n'est pas valide : indiquez 10 chiffres (06 12 34 56 78) ou le format international."
    )


class SmsBackend(Protocol):
    def send(self, to: str, body: str, sender: str) -> str: ...


class ConsoleBackend:
    """Writes each SMS to standard output (development and demo)."""

    def send(self, to: str, body: str, sender: str) -> str:
        sys.stdout.write(f"--- SMS de {sender} à {to} ---\n{body}\n---\n")
        sys.stdout.flush()
        return ""


class HttpBackend:
    """A generic JSON HTTP provider: POST {"to", "body", "sender"} with a bearer token.

    Any 2xx answer is a success; its JSON ``id`` (if present) is the provider's message id.
    Adapting to OVH, Twilio-style or other APIs means another class with this interface.
    """

    def __init__(self, url: str | None = None, token: str | None = None, timeout: float = 10.0) -> None:
        self.url = url if url is not None else settings.PARVIS_SMS_HTTP_URL
        self.token = token if token is not None else settings.PARVIS_SMS_HTTP_TOKEN
        self.timeout = timeout

    def send(self, to: str, body: str, sender: str) -> str:
        if not self.url.startswith(("https://", "http://")):
            raise SmsDeliveryError("PARVIS_SMS_HTTP_URL n'est pas configurée (adresse http(s) attendue).")
        payload = json.dumps({"to": to, "body": body, "sender": sender}).encode()
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            self.url,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": f"Bearer {self.token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise SmsDeliveryError(f"Le prestataire SMS a répondu {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise SmsDeliveryError(f"Prestataire SMS injoignable : {exc}") from exc
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            return ""
        return str(data.get("id", "")) if isinstance(data, dict) else ""


def get_backend() -> SmsBackend:
    backend_class = import_string(settings.PARVIS_SMS_BACKEND)
    return backend_class()


def send_sms(*, to: str, body: str, sender: str | None = None) -> str:
    """Send one SMS with the configured backend; returns the provider's message id."""
    return get_backend().send(normalise_phone(to), body, sender or settings.PARVIS_SMS_SENDER)

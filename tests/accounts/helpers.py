"""Small helpers shared by the accounts tests."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from django.test import Client

from parvis.notifications.models import OutboundMessage

LOGIN_URL = "/compte/connexion/"


def post_login(client: Client, email: str, password: str, **extra: str):
    return client.post(LOGIN_URL, {"email": email, "password": password, **extra})


def last_message(event: str, to: str) -> OutboundMessage:
    message = OutboundMessage.objects.filter(event=event, to=to).order_by("-pk").first()
    assert message is not None, f"no {event} message to {to}"
    return message


def link_path(message: OutboundMessage) -> str:
    """The path of the first link of an email (links are absolute, on the commune's hostname)."""
    match = re.search(r"https?://\S+", message.body_text)
    assert match, message.body_text
    return urlparse(match.group(0)).path

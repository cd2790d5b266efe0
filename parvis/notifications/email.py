"""Sending one stored email through Django's mail backend (SMTP, locmem, or anymail)."""

from __future__ import annotations

from email.utils import formataddr, make_msgid, parseaddr

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives, get_connection

from parvis.notifications.models import OutboundMessage


def from_address(message: OutboundMessage) -> str:
    """The platform's sending address, shown with the organisation's name."""
    display, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    name = message.organisation.name if message.organisation else (display or "Parvis")
    return formataddr((name, address))


def send_email(message: OutboundMessage) -> str:
    """Hand the email to the mail backend; returns its Message-ID (or the API provider's id).

    Raises whatever the backend raises (SMTP errors, connection refused...).
    """
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "parvis.localhost"
    message_id = make_msgid(domain=domain)
    reply_to = [message.organisation.email] if message.organisation and message.organisation.email else None
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=from_address(message),
        to=[message.to],
        reply_to=reply_to,
        headers={"Message-ID": message_id, "X-Parvis-Message": str(message.pk)},
        connection=get_connection(fail_silently=False),
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments or []:
        with default_storage.open(attachment["path"], "rb") as handle:
            email.attach(attachment["name"], handle.read(), attachment["content_type"])
    email.send(fail_silently=False)
    status = getattr(email, "anymail_status", None)
    provider_id = getattr(status, "message_id", None) if status is not None else None
    return str(provider_id) if provider_id else message_id

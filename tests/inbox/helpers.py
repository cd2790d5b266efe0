from __future__ import annotations

import io
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from PIL import Image

from parvis.inbox.models import InboundAddress
from tests.factories import published_procedure

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


def address(organisation, *, email="mairie@commune-a.localhost", procedure="default", actor=None, **extra):
    """An inbound address of ``organisation``; its procedure is a published simple form by default."""
    if procedure == "default":
        procedure = published_procedure(organisation, actor=actor, slug="contact", title="Contacter la mairie")
    return InboundAddress.objects.create(organisation=organisation, address=email, procedure=procedure, **extra)


def email_bytes(
    *,
    sender: str = "Jeanne Petit <jeanne.petit@example.org>",
    to: str = "mairie@commune-a.localhost",
    subject: str = "Horaires de la mairie",
    text: str | None = "Bonjour,\nQuels sont vos horaires samedi ?\nJeanne",
    html: str | None = None,
    attachments: tuple[tuple[str, str, bytes], ...] = (),
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="example.org")
    message["Date"] = formatdate(localtime=True)
    for name, value in (headers or {}).items():
        message[name] = value
    if text is not None:
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    for name, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()

"""A small SMTP listener (aiosmtpd) that accepts mail for the known inbound addresses only.

``parvis smtp-inbox`` runs it on its own; ``parvis demo`` starts it on 127.0.0.1:2525 beside the
web server. It answers 550 to any recipient that is not an active inbound address, and ingests each
message once stored (``250`` only after the raw bytes are committed). It is meant for the demo, a
test bench, or behind a real MTA (Postfix relaying to it); it does no TLS and no authentication.
"""

from __future__ import annotations

import asyncio
import unicodedata
from typing import Any

from aiosmtpd.controller import Controller
from django.db import connections

from parvis.inbox.enums import Source
from parvis.inbox.models import InboundAddress
from parvis.inbox.services import MAX_RAW_BYTES, InboxError, ingest_message


def _ascii(text: str) -> str:
    """SMTP replies stay ASCII (no SMTPUTF8): « boîte » → « boite »."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


# Each call runs in a thread of the event loop's executor, with its own database connection,
# closed at the end (the listener may idle for hours between two messages).


def _known(recipient: str) -> bool:
    try:
        return InboundAddress.objects.filter(address__iexact=recipient.strip("<>"), is_active=True).exists()
    finally:
        connections.close_all()


def _ingest(raw: bytes, recipients: list[str]) -> None:
    try:
        for recipient in recipients:
            address = InboundAddress.objects.filter(address__iexact=recipient, is_active=True).first()
            if address is not None:
                ingest_message(raw=raw, source=Source.SMTP, envelope_recipients=[recipient], address=address)
    finally:
        connections.close_all()


class InboxHandler:
    """aiosmtpd handler; the database is used from a worker thread (Django's ORM is synchronous)."""

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        known = await asyncio.get_running_loop().run_in_executor(None, _known, address)
        if not known:
            return "550 5.1.1 Destinataire inconnu : aucune boite de reception Parvis a cette adresse"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        data = envelope.original_content or envelope.content
        raw = data if isinstance(data, bytes) else str(data).encode("utf-8", errors="replace")
        # As the final delivery MTA would (RFC 5321 §4.4): the envelope sender, empty for a bounce.
        sender = (envelope.mail_from or "").strip().strip("<>")
        raw = f"Return-Path: <{sender}>\r\n".encode() + raw
        recipients = [r.strip("<>").lower() for r in envelope.rcpt_tos]
        try:
            await asyncio.get_running_loop().run_in_executor(None, _ingest, raw, recipients)
        except InboxError as exc:
            return f"552 5.3.4 {_ascii(str(exc))}"
        except Exception:  # noqa: BLE001 - tell the sender to retry rather than lose the message
            return "451 4.3.0 Erreur temporaire, reessayez plus tard"
        return "250 Message recu"


def start_listener(host: str = "127.0.0.1", port: int = 2525) -> Controller:
    """Start the listener in its own thread; call ``.stop()`` on the result to end it."""
    controller = Controller(InboxHandler(), hostname=host, port=port, data_size_limit=MAX_RAW_BYTES, decode_data=False)
    controller.start()
    return controller

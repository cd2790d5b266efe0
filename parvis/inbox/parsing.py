"""Reading a raw email (stdlib ``email``, default policy): headers, text, attachments, and whether
it was written by a machine (bounce, auto-reply) rather than by a person.

Pure functions, no database: ``parse_message(raw)`` raises on a message it cannot read; the
caller keeps the raw bytes and puts the message in the « à qualifier » tray.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from django.utils import timezone

from parvis.inbox.enums import Reason

# A case reference: ADM-2026-004217 (prefix of the organisation, year, six digits).
REFERENCE = re.compile(r"\b([A-Z][A-Z0-9]{1,9})-(\d{4})-(\d{6})\b", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class ParsedMessage:
    message_id: str = ""
    from_address: str = ""
    from_name: str = ""
    subject: str = ""
    sent_at: dt.datetime | None = None
    recipients: list[str] = field(default_factory=list)
    text: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    automatic: str = ""  # a Reason (BOUNCE, AUTO_REPLY) when a machine wrote it
    automatic_detail: str = ""


class _TextFromHtml(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol"}
    SKIPPED = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The readable text of an HTML body: no tags, no scripts, paragraphs kept as lines."""
    parser = _TextFromHtml()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _content(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except (LookupError, UnicodeError, AssertionError):
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    if isinstance(content, bytes):
        content = content.decode("utf-8", errors="replace")
    return str(content)


def header_text(message: Message, name: str) -> str:
    value = message.get(name)
    return " ".join(str(value).split()) if value is not None else ""


def automatic_reason(message: Message) -> tuple[str, str]:
    """(Reason, detail) when the message was sent by a machine, else ("", "").

    Bounces: an empty Return-Path (« <> »), a MAILER-DAEMON sender, a multipart/report (delivery
    status notification). Auto-replies: Auto-Submitted other than « no » (RFC 3834), X-Autoreply,
    X-Autorespond, Precedence bulk/junk/list.
    """
    return_path = header_text(message, "Return-Path")
    if "Return-Path" in message and not return_path.strip("<> "):
        return Reason.BOUNCE, "Return-Path vide"
    if message.get_content_type() == "multipart/report":
        return Reason.BOUNCE, "rapport de remise (multipart/report)"
    sender = header_text(message, "From").lower()
    if "mailer-daemon" in sender:
        return Reason.BOUNCE, "expéditeur MAILER-DAEMON"
    auto = header_text(message, "Auto-Submitted").lower()
    if auto and auto != "no":
        return Reason.AUTO_REPLY, f"Auto-Submitted: {auto}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if name in message:
            return Reason.AUTO_REPLY, f"{name}: {header_text(message, name)}"
    precedence = header_text(message, "Precedence").lower()
    if precedence in {"bulk", "junk", "list", "auto_reply"}:
        return Reason.AUTO_REPLY, f"Precedence: {precedence}"
    return "", ""


def _addresses(message: Message, *names: str) -> list[str]:
    found: list[str] = []
    for name in names:
        for value in message.get_all(name) or []:
            for _, addr in getaddresses([str(value)]):
                addr = addr.strip().strip("<>").lower()
                if addr and "@" in addr and addr not in found:
                    found.append(addr)
    return found


def recipients_leniently(raw: bytes) -> tuple[str, list[str]]:
    """(Message-ID, recipients) read from the headers only, never failing: used before storing."""
    try:
        headers = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
    except Exception:  # noqa: BLE001 - a message we cannot read at all still gets stored
        return "", []
    message_id = " ".join(str(headers.get("Message-ID", "") or "").split())[:500]
    return message_id, _addresses(headers, "Delivered-To", "X-Original-To", "To", "Cc")


def parse_message(raw: bytes) -> ParsedMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    parsed = ParsedMessage()
    parsed.message_id = header_text(message, "Message-ID")[:500]
    parsed.subject = header_text(message, "Subject")[:500]
    senders = getaddresses([str(v) for v in message.get_all("From") or []])
    if senders:
        name, addr = senders[0]
        parsed.from_name = " ".join(name.split())[:300]
        parsed.from_address = addr.strip().lower() if "@" in addr else ""
    date = message.get("Date")
    if date:
        try:
            sent = parsedate_to_datetime(str(date))
            parsed.sent_at = sent if timezone.is_aware(sent) else timezone.make_aware(sent, dt.UTC)
        except (TypeError, ValueError, IndexError):
            parsed.sent_at = None
    parsed.recipients = _addresses(message, "Delivered-To", "X-Original-To", "To", "Cc")
    parsed.automatic, parsed.automatic_detail = automatic_reason(message)
    body = message.get_body(preferencelist=("plain", "html"))
    if body is not None:
        content = _content(body)
        parsed.text = html_to_text(content) if body.get_content_type() == "text/html" else content.strip()
    for part in message.walk():
        if part.is_multipart() or part is body:
            continue
        filename = part.get_filename() or ""
        content_type = part.get_content_type()
        if not filename and content_type in {"text/plain", "text/html"}:
            continue  # the other alternative of the body
        if not filename and part.get_content_disposition() != "attachment" and content_type.startswith("text/"):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        parsed.attachments.append(
            ParsedAttachment(filename=filename or "piece-jointe", content_type=content_type, data=data)
        )
    return parsed


def all_headers(raw: bytes) -> list[tuple[str, str]]:
    """Every header, decoded, in order (the message page shows them)."""
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
        return [(name, " ".join(str(value).split())) for name, value in message.items()]
    except Exception:  # noqa: BLE001 - fall back to the undecoded headers
        headers = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
        return [(name, str(value)) for name, value in headers.items()]


def references_in(subject: str) -> list[str]:
    return [f"{p.upper()}-{y}-{n}" for p, y, n in REFERENCE.findall(subject or "")]

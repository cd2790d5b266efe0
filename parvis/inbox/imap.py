"""The IMAP relève: fetch the unread messages of an inbound address's mailbox and ingest them.

Each message is marked \\Seen only once stored (``ingest_message`` commits the raw bytes first),
so a crash in the middle leaves the rest unread for the next relève, and a message fetched twice
is recognised by its Message-ID.
"""

from __future__ import annotations

import imaplib
import logging
from dataclasses import dataclass

from parvis.inbox.enums import Source
from parvis.inbox.models import InboundAddress
from parvis.inbox.services import InboxError, ingest_message, record_poll

logger = logging.getLogger("parvis.inbox")

TIMEOUT = 30
BATCH = 50  # messages per relève and address; the rest comes at the next one


@dataclass
class PollResult:
    fetched: int = 0
    error: str = ""


def _connect(address: InboundAddress) -> imaplib.IMAP4:
    if address.imap_ssl:
        return imaplib.IMAP4_SSL(address.imap_host, address.imap_port, timeout=TIMEOUT)
    return imaplib.IMAP4(address.imap_host, address.imap_port, timeout=TIMEOUT)


def poll_address(address: InboundAddress) -> PollResult:
    """Fetch and ingest the unread messages of one address (at most BATCH)."""
    result = PollResult()
    try:
        client = _connect(address)
    except (OSError, imaplib.IMAP4.error) as exc:
        result.error = f"Connexion impossible à {address.imap_host}:{address.imap_port} : {exc}"
        record_poll(address=address, error=result.error)
        return result
    try:
        client.login(address.imap_username, address.imap_password)
        status, _ = client.select(address.imap_folder or "INBOX")
        if status != "OK":
            raise imaplib.IMAP4.error(f"dossier {address.imap_folder} introuvable")
        status, data = client.uid("SEARCH", "UNSEEN")
        if status != "OK":
            raise imaplib.IMAP4.error("recherche refusée")
        uids = [u.decode() for u in (data[0] or b"").split()[:BATCH]]
        for uid in uids:
            status, fetched = client.uid("FETCH", uid, "(RFC822)")
            raw = next((part[1] for part in fetched or [] if isinstance(part, tuple)), None)
            if status != "OK" or not isinstance(raw, bytes):
                logger.warning("IMAP: message %s of %s could not be fetched", uid, address.address)
                continue
            try:
                ingest_message(raw=raw, source=Source.IMAP, address=address)
            except InboxError as exc:  # too big: left unread, reported
                result.error = f"Message {uid} non relevé : {exc}"
                continue
            client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            result.fetched += 1
    except (OSError, imaplib.IMAP4.error) as exc:
        result.error = f"Relève interrompue : {exc}"
    finally:
        try:
            client.logout()
        except (OSError, imaplib.IMAP4.error):
            pass
    record_poll(address=address, error=result.error)
    return result


def poll_all() -> int:
    """Every active address with IMAP settings; returns how many messages were fetched."""
    fetched = 0
    for address in InboundAddress.objects.filter(is_active=True).exclude(imap_host="").exclude(imap_username=""):
        try:
            fetched += poll_address(address).fetched
        except Exception:  # one broken mailbox must not stop the others
            logger.exception("IMAP relève of %s failed", address.address)
    return fetched

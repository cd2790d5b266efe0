"""How to visit every URL of the inbox app (see tests/isolation.py).

The inbound webhook (``inbox:inbox_webhook:mime``) is a bearer-secret endpoint with no session, in
its own namespace listed in ``NOT_TENANT_URLS``; tests/inbox/test_webhook.py covers it, including
another organisation's hostname (404).
"""

from __future__ import annotations

from typing import Any

from parvis.inbox.enums import Source
from parvis.inbox.models import InboundAddress
from parvis.inbox.services import ingest_message
from tests.inbox.helpers import PDF, email_bytes
from tests.isolation import Built, UrlCase

SUBJECT = "Courriel reçu par la commune A"
ADDRESS = "courriels-a@commune-a.localhost"


def _address(territory: Any) -> InboundAddress:
    return InboundAddress.objects.get_or_create(organisation=territory.commune_a, address=ADDRESS)[0]


def _message(territory: Any) -> Any:
    raw = email_bytes(to=ADDRESS, subject=SUBJECT, attachments=(("piece-a.pdf", "application/pdf", PDF),))
    return ingest_message(raw=raw, source=Source.WEBHOOK, address=_address(territory)).message


def _listed(territory: Any) -> Built:
    _message(territory)
    return Built(marker=SUBJECT)


def _detail(territory: Any) -> Built:
    return Built(kwargs={"pk": _message(territory).pk}, marker=SUBJECT)


def _no_marker(territory: Any) -> Built:
    return Built(kwargs={"pk": _message(territory).pk})


def _attachment(territory: Any) -> Built:
    return Built(kwargs={"pk": _message(territory).pk, "index": 1}, marker="%PDF-1.4")


def _addresses(territory: Any) -> Built:
    _address(territory)
    return Built(marker=ADDRESS)


def _address_page(territory: Any) -> Built:
    return Built(kwargs={"pk": _address(territory).pk}, marker=ADDRESS)


def _address_no_marker(territory: Any) -> Built:
    return Built(kwargs={"pk": _address(territory).pk})


CASES = [
    UrlCase("inbox:tray", "agent", build=_listed),
    UrlCase("inbox:detail", "agent", build=_detail),
    UrlCase("inbox:attachment", "agent", build=_attachment),
    UrlCase("inbox:to_case", "agent", build=_no_marker, method="post", data={"procedure": "1"}),
    UrlCase("inbox:attach", "agent", build=_no_marker, method="post", data={"reference": "X"}),
    UrlCase("inbox:ignore", "agent", build=_no_marker, method="post", data={"reason": "publicité"}),
    UrlCase("inbox:addresses", "admin", build=_addresses),
    UrlCase("inbox:address_edit", "admin", build=_address_page),
    UrlCase("inbox:address_secret", "admin", build=_address_no_marker, method="post"),
]

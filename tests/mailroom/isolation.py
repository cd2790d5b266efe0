"""How to visit every URL of the mail room (see tests/isolation.py)."""

from __future__ import annotations

from typing import Any

from parvis.mailroom.services import create_outgoing_letter, qualify_letter_into_case
from tests.factories import published_procedure
from tests.isolation import Built, UrlCase
from tests.mailroom.helpers import letter

SENDER = "Expéditrice de la commune A"
SUBJECT = "Réponse propre à la commune A"


def _letter_of_a(territory: Any) -> Any:
    return letter(
        territory.commune_a, territory.agent_a, sender_first_name="", sender_last_name=SENDER, description="Objet A"
    )


def _listed(territory: Any) -> Built:
    _letter_of_a(territory)
    return Built(marker=SENDER)


def _letter(territory: Any) -> Built:
    return Built(kwargs={"pk": _letter_of_a(territory).pk}, marker=SENDER)


def _letter_no_marker(territory: Any) -> Built:
    return Built(kwargs={"pk": _letter_of_a(territory).pk})


def _scan(territory: Any) -> Built:
    found = _letter_of_a(territory)
    return Built(kwargs={"pk": found.pk, "scan_pk": found.scans.get().pk})


def _qualified(territory: Any) -> Any:
    found = _letter_of_a(territory)
    procedure = published_procedure(
        territory.commune_a, actor=territory.admin_a, department=territory.department_a, slug="isolation-courrier"
    )
    qualify_letter_into_case(letter=found, procedure=procedure, actor=territory.agent_a)
    found.refresh_from_db()
    return found


def _acknowledgment(territory: Any) -> Built:
    return Built(kwargs={"pk": _qualified(territory).pk})


def _case_reference(territory: Any) -> Built:
    return Built(kwargs={"reference": _qualified(territory).case.reference}, marker=SENDER)


def _outgoing(territory: Any) -> Built:
    case = _qualified(territory).case
    sent = create_outgoing_letter(
        case=case,
        recipient_name=SENDER,
        recipient_address="1 rue de A",
        subject=SUBJECT,
        body="Madame,\n\nBonjour.",
        actor=territory.agent_a,
    )
    return Built(kwargs={"pk": sent.pk}, marker=SUBJECT)


def _outgoing_no_marker(territory: Any) -> Built:
    return Built(kwargs=_outgoing(territory).kwargs)


CASES = [
    UrlCase("mailroom:list", "agent", build=_listed),
    UrlCase("mailroom:register", "agent"),
    UrlCase("mailroom:register", "agent", method="post", data={"sender_last_name": "X", "description": "Y"}),
    UrlCase("mailroom:detail", "agent", build=_letter),
    UrlCase("mailroom:scan", "agent", build=_scan),
    UrlCase("mailroom:add_scans", "agent", build=_letter_no_marker, method="post"),
    UrlCase("mailroom:qualify", "agent", build=_letter_no_marker, method="post", data={"procedure": "1"}),
    UrlCase("mailroom:attach", "agent", build=_letter_no_marker, method="post", data={"reference": "X"}),
    UrlCase("mailroom:route", "agent", build=_letter_no_marker, method="post", data={"department": "1"}),
    UrlCase("mailroom:close", "agent", build=_letter_no_marker, method="post", data={"reason": "Publicité"}),
    UrlCase("mailroom:acknowledgment", "agent", build=_acknowledgment),
    UrlCase("mailroom:outgoing_new", "agent", build=_case_reference),
    UrlCase(
        "mailroom:outgoing_new",
        "agent",
        build=_case_reference,
        method="post",
        data={"recipient_name": "X", "recipient_address": "Y", "subject": "Z", "body": "B"},
    ),
    UrlCase("mailroom:outgoing_detail", "agent", build=_outgoing),
    UrlCase("mailroom:outgoing_pdf", "agent", build=_outgoing_no_marker),
]

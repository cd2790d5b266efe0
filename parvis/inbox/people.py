"""What the inbox holds about a person, for the 360° view (contract: parvis.people.overview).

The emails received from the person: linked to their record (or to another organisation's record
of the same account), or sent from their address to their organisation. One query.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from parvis.inbox.access import TRAY_ROLES
from parvis.inbox.models import InboundMessage
from parvis.organisations.models import Organisation
from parvis.people.models import Person
from parvis.people.overview import ITEM_LIMIT, PersonItem, item_url, memberships_for, person_match


def person_items(person: Person, *, organisations: list[Organisation], request: HttpRequest) -> list[PersonItem]:
    by_pk = {o.pk: o for o in organisations}
    messages = (
        InboundMessage.objects.filter(
            person_match(person, organisations, person_field="person", email_field="from_address")
        )
        .select_related("case", "address")
        .only(
            "pk",
            "organisation_id",
            "subject",
            "status",
            "received_at",
            "body_text",
            "address__address",
            "case__reference",
        )
        .order_by("-received_at", "-pk")[:ITEM_LIMIT]
    )
    items = []
    for message in messages:
        organisation = by_pk[message.organisation_id]
        may_open = any(m.role in TRAY_ROLES for m in memberships_for(request, organisation))
        detail = " ".join(message.body_text.split())[:200]
        if message.case_id and message.case is not None:
            detail = f"Demande {message.case.reference}" + (f" — {detail}" if detail else "")
        items.append(
            PersonItem(
                kind="email",
                at=message.received_at,
                title=f"Courriel reçu — {message.subject or '(sans objet)'}",
                organisation=organisation,
                url=item_url(request, organisation, reverse("inbox:detail", args=[message.pk])) if may_open else "",
                channel="email",
                status=message.get_status_display(),
                detail=detail,
                extra={"address": message.address.address},
            )
        )
    return items

"""What the payments app holds about a person, for the 360° view (contract: parvis.people.overview).

Invoices addressed to the person's account, or, in the person's own organisation, to their email
(invoices issued or imported for someone without an account). One query.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from parvis.organisations.models import Organisation
from parvis.payments.models import Invoice
from parvis.people.models import Person
from parvis.people.overview import ITEM_LIMIT, PersonItem, item_url, person_match


def _euros(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d} €"


def person_items(person: Person, *, organisations: list[Organisation], request: HttpRequest) -> list[PersonItem]:
    by_pk = {o.pk: o for o in organisations}
    invoices = (
        Invoice.objects.filter(
            person_match(person, organisations, person_field=None, user_field="user", email_field="payer_email")
        )
        .select_related("case")
        .only(
            "pk",
            "organisation_id",
            "reference",
            "subject",
            "issued_on",
            "due_on",
            "amount_cents",
            "status",
            "created_at",
            "case__reference",
        )
        .order_by("-issued_on", "-pk")[:ITEM_LIMIT]
    )
    items = []
    for invoice in invoices:
        organisation = by_pk[invoice.organisation_id]
        # Sorted by the day it was issued (noon, local time: a date has no hour).
        issued = timezone.make_aware(dt.datetime.combine(invoice.issued_on, dt.time(12)))
        detail = f"{_euros(invoice.amount_cents)}, à payer avant le {invoice.due_on:%d/%m/%Y}"
        if invoice.case_id and invoice.case is not None:
            detail += f" — demande {invoice.case.reference}"
        items.append(
            PersonItem(
                kind="invoice",
                at=issued,
                title=f"Facture {invoice.reference} — {invoice.subject}",
                organisation=organisation,
                url=item_url(request, organisation, reverse("payments:invoice_detail", args=[invoice.reference])),
                status=invoice.get_status_display(),
                detail=detail,
            )
        )
    return items

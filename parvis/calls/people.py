"""What the call log holds about a person, for the 360° view (contract: parvis.people.overview).

The calls linked to the person's record, or to their account. One query.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from parvis.calls.models import Call
from parvis.organisations.models import Organisation
from parvis.people.models import Person
from parvis.people.overview import ITEM_LIMIT, PersonItem, item_url, person_match


def person_items(person: Person, *, organisations: list[Organisation], request: HttpRequest) -> list[PersonItem]:
    by_pk = {o.pk: o for o in organisations}
    calls = (
        Call.objects.filter(person_match(person, organisations, person_field="person", user_field="caller_user"))
        .select_related("subject", "case")
        .only(
            "pk",
            "organisation_id",
            "caller_name",
            "subject_other",
            "subject__label",
            "question",
            "answer",
            "outcome",
            "channel",
            "taken_at",
            "case__reference",
        )
        .order_by("-taken_at", "-pk")[:ITEM_LIMIT]
    )
    items = []
    for call in calls:
        organisation = by_pk[call.organisation_id]
        detail = call.question or call.answer
        if call.case_id and call.case is not None:
            detail = f"Demande {call.case.reference}" + (f" — {detail}" if detail else "")
        items.append(
            PersonItem(
                kind="call",
                at=call.taken_at,
                title=f"Appel — {call.subject_label}",
                organisation=organisation,
                url=item_url(request, organisation, reverse("calls:detail", args=[call.pk])),
                channel=call.channel,
                status=call.get_outcome_display(),
                detail=" ".join(detail.split())[:200],
            )
        )
    return items

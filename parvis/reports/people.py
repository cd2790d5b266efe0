"""What the reports app holds about a person, for the 360° view (contract: parvis.people.overview).

The reports the person made or follows (as a follower: their record, their account, or their email
in the person's own organisation). One query. The report's case also appears among the cases.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from parvis.organisations.models import Organisation
from parvis.people.models import Person
from parvis.people.overview import ITEM_LIMIT, PersonItem, item_url, person_match
from parvis.reports.models import Report


def person_items(person: Person, *, organisations: list[Organisation], request: HttpRequest) -> list[PersonItem]:
    by_pk = {o.pk: o for o in organisations}
    match = person_match(
        person,
        organisations,
        person_field="followers__person",
        user_field="followers__user",
        email_field="followers__email",
    )
    reports = (
        Report.objects.filter(match)
        .select_related("case", "category")
        .only(
            "pk",
            "organisation_id",
            "created_at",
            "address",
            "repaired_at",
            "feedback",
            "case__reference",
            "case__status_label",
            "case__channel",
            "category__label",
        )
        .distinct()
        .order_by("-created_at", "-pk")[:ITEM_LIMIT]
    )
    items = []
    for report in reports:
        organisation = by_pk[report.organisation_id]
        status = report.get_feedback_display() if report.feedback else report.case.status_label
        items.append(
            PersonItem(
                kind="report",
                at=report.created_at,
                title=f"Signalement {report.case.reference} — {report.category.label}",
                organisation=organisation,
                url=item_url(request, organisation, reverse("cases:detail", args=[report.case.reference])),
                channel=report.case.channel,
                status=status,
                detail=report.address,
            )
        )
    return items

"""What the public Open311 answers show: the commune's services and its reports, never a person.

A request's public fields come only from the category, the case's state and the report's place;
its description is the moderated ``public_description``, and only once the report was approved
for publication. The reporter's name, email, phone, account and the raw description never leave.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest

from parvis.organisations.models import Organisation
from parvis.reports.enums import Moderation
from parvis.reports.models import Report, ReportCategory, ReportPhoto

MAX_REQUESTS = 1000  # one answer lists at most this many requests (the newest first)
POSTCODE_RE = re.compile(r"\b(\d{5})\b")


def categories(organisation: Organisation) -> QuerySet[ReportCategory]:
    """The categories offered on this commune's hostname (its own and its EPCI's), through the reports app."""
    from parvis.reports.services import categories_for

    found = categories_for(organisation)
    if isinstance(found, QuerySet):
        return found.select_related("department", "organisation")
    return ReportCategory.objects.filter(pk__in=[c.pk for c in found]).select_related("department", "organisation")


def category_by_code(organisation: Organisation, code: str) -> ReportCategory | None:
    return categories(organisation).filter(code=code).first()


def attributes_for(category: ReportCategory) -> list[dict[str, Any]]:
    """The category's extra questions as GeoReport attributes ([] when it has none: ``metadata`` false).

    A category may carry ``questions``: ``[{"code", "label", "type", "required", "choices": [[key, name]]}]``.
    """
    questions: Iterable[dict[str, Any]] = getattr(category, "questions", None) or []
    attributes = []
    for order, question in enumerate(questions, start=1):
        choices = question.get("choices") or []
        datatype = question.get("type") or ("singlevaluelist" if choices else "string")
        attributes.append(
            {
                "variable": True,
                "code": question["code"],
                "datatype": datatype,
                "required": bool(question.get("required")),
                "datatype_description": question.get("help", ""),
                "order": order,
                "description": question.get("label", question["code"]),
                "values": [{"key": key, "name": name} for key, name in choices],
            }
        )
    return attributes


def service_row(category: ReportCategory) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.label,
        "description": category.description,
        "metadata": bool(attributes_for(category)),
        "type": "realtime",
        "keywords": "",
        "group": category.group,
    }


def service_notice(category: ReportCategory) -> str:
    days = category.expected_days
    return f"Délai d'intervention annoncé : {days} jour{'s' if days > 1 else ''}."


def agency_responsible(category: ReportCategory, organisation: Organisation) -> str:
    if category.contractor:
        return category.contractor
    if category.department is not None:
        return f"{category.department.name} — {organisation.name}"
    return organisation.name


def reports(organisation: Organisation) -> QuerySet[Report]:
    public_photos = ReportPhoto.objects.filter(is_public=True).order_by("created_at", "pk")
    return (
        Report.objects.filter(organisation=organisation)
        .select_related("case", "category", "category__department", "organisation")
        .prefetch_related(Prefetch("photos", queryset=public_photos, to_attr="public_photos"))
        .order_by("-case__submitted_at", "-pk")
    )


def find_requests(
    organisation: Organisation,
    *,
    ids: Sequence[str] = (),
    service_codes: Sequence[str] = (),
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    statuses: Sequence[str] = (),
) -> list[Report]:
    """The reports answering a GET /requests: by ids (which override every other filter), else by filters."""
    found = reports(organisation)
    if ids:
        return list(found.filter(case__reference__in=list(ids))[:MAX_REQUESTS])
    if service_codes:
        found = found.filter(category__code__in=list(service_codes))
    if start is not None:
        found = found.filter(case__submitted_at__gte=start)
    if end is not None:
        found = found.filter(case__submitted_at__lte=end)
    if statuses and set(statuses) != {"open", "closed"}:
        found = found.filter(case__is_open="open" in statuses)
    return list(found[:MAX_REQUESTS])


def find_request(organisation: Organisation, request_id: str) -> Report | None:
    return reports(organisation).filter(case__reference=request_id).first()


def _zipcode(report: Report) -> str:
    match = POSTCODE_RE.search(report.address or "")
    return match.group(1) if match else ""


def request_row(report: Report, *, request: HttpRequest) -> dict[str, Any]:
    """One request as the spec's fields. No personal data: see the module's docstring."""
    case = report.case
    category = report.category
    published = report.moderation == Moderation.APPROVED
    photos = getattr(report, "public_photos", []) if published else []
    media_url = request.build_absolute_uri(photos[0].image.url) if photos else ""
    expected = case.submitted_at + dt.timedelta(days=category.expected_days) if case.is_open else None
    updated = max(filter(None, [case.last_activity_at, report.updated_at]), default=None)
    return {
        "service_request_id": case.reference,
        "status": "open" if case.is_open else "closed",
        "status_notes": case.status_label,
        "service_name": category.label,
        "service_code": category.code,
        "description": report.public_description if published else "",
        "agency_responsible": agency_responsible(category, report.organisation),
        "service_notice": service_notice(category),
        "requested_datetime": case.submitted_at,
        "updated_datetime": updated,
        "expected_datetime": expected,
        "address": report.address,
        "address_id": "",
        "zipcode": _zipcode(report),
        "lat": report.latitude,
        "long": report.longitude,
        "media_url": media_url,
    }


def jurisdiction_matches(organisation: Organisation, jurisdiction_id: str) -> bool:
    """Whether a client's ``jurisdiction_id`` names the commune served here (slug, INSEE code or hostname)."""
    wanted = jurisdiction_id.strip().lower()
    if not wanted:
        return True
    names = {organisation.slug.lower(), (organisation.insee_code or "").lower()}
    names |= {h.lower() for h in organisation.hostnames.values_list("hostname", flat=True)}
    return wanted in names - {""}

"""Reading reports: nearby duplicates, the agents' list, the public map, the moderation queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from parvis.organisations.models import Organisation
from parvis.reports.enums import Feedback, Moderation
from parvis.reports.geo import bounding_box, haversine_m, valid_coordinates
from parvis.reports.models import Report, ReportCategory
from parvis.reports.services import settings_for


@dataclass(frozen=True)
class Nearby:
    report: Report
    distance_m: int


def nearby_open_reports(
    *,
    organisations: list[Organisation],
    category: ReportCategory,
    latitude: Any,
    longitude: Any,
    radius_m: int | None = None,
    exclude: Report | None = None,
    limit: int = 5,
) -> list[Nearby]:
    """Open reports of the same category (by code) within ``radius_m`` of the point, nearest first.

    A bounding box on the indexed coordinates bounds the query; the haversine distance decides.
    Merged duplicates are left out (their principal is shown instead).
    """
    if not valid_coordinates(latitude, longitude) or not organisations:
        return []
    radius = radius_m or settings_for(organisations[0]).duplicate_radius_m
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius)
    candidates = (
        Report.objects.filter(
            organisation__in=organisations,
            category__code=category.code,
            case__is_open=True,
            duplicate_of__isnull=True,
            latitude__gte=min_lat,
            latitude__lte=max_lat,
            longitude__gte=min_lon,
            longitude__lte=max_lon,
        )
        .select_related("case", "category")
        .order_by("-created_at")[:200]
    )
    found = []
    for report in candidates:
        if exclude is not None and report.pk == exclude.pk:
            continue
        distance = haversine_m(latitude, longitude, report.latitude, report.longitude)  # type: ignore[arg-type]
        if distance <= radius:
            found.append(Nearby(report=report, distance_m=round(distance)))
    found.sort(key=lambda n: n.distance_m)
    return found[:limit]


def duplicates_for_agent(report: Report) -> list[Nearby]:
    """Candidates to merge with ``report``: same organisation, same category, near it."""
    if report.latitude is None or report.longitude is None:
        return []
    return nearby_open_reports(
        organisations=[report.organisation],
        category=report.category,
        latitude=report.latitude,
        longitude=report.longitude,
        exclude=report,
    )


# --- Back office -------------------------------------------------------------------------------

STATUS_FILTERS = {
    "open": ("En cours", Q(case__is_open=True)),
    "repaired": ("Réparés", Q(repaired_at__isnull=False, case__is_open=False)),
    "reopened": ("Rouverts par l'usager", Q(feedback=Feedback.REOPENED)),
    "closed": ("Clos", Q(case__is_open=False)),
    "duplicates": ("Doublons fusionnés", Q(duplicate_of__isnull=False)),
}


def reports_for_agent(
    cases: QuerySet[Any],
    *,
    category: str = "",
    status: str = "",
    district: str = "",
) -> QuerySet[Report]:
    """The reports whose case this agent may see (``cases``: from ``cases_visible_to_agent``), filtered."""
    reports = Report.objects.filter(case__in=cases).select_related("case", "category", "case__department")
    if category:
        reports = reports.filter(category__code=category)
    if status in STATUS_FILTERS:
        reports = reports.filter(STATUS_FILTERS[status][1])
    if district:
        reports = reports.filter(district=district)
    return reports.order_by("-created_at", "-pk")


@dataclass(frozen=True)
class RepairDelays:
    count: int
    median_days: float | None
    reopened: int


def repair_delays(cases: QuerySet[Any], *, days: int = 90) -> RepairDelays:
    """Report-to-repair delays of the reports repaired in the last ``days`` days (these cases only)."""
    since = timezone.now() - timedelta(days=days)
    rows = list(
        Report.objects.filter(case__in=cases, repaired_at__gte=since)
        .order_by()
        .values_list("created_at", "repaired_at", "reopen_count")[:5000]
    )
    if not rows:
        return RepairDelays(count=0, median_days=None, reopened=0)
    delays = sorted((repaired - created).total_seconds() / 86400 for created, repaired, _ in rows if repaired)
    middle = len(delays) // 2
    median = delays[middle] if len(delays) % 2 else (delays[middle - 1] + delays[middle]) / 2
    return RepairDelays(count=len(rows), median_days=round(median, 1), reopened=sum(1 for *_, n in rows if n))


def districts_of(organisation: Organisation) -> list[str]:
    return list(
        Report.objects.filter(organisation=organisation)
        .exclude(district="")
        .order_by("district")
        .values_list("district", flat=True)
        .distinct()
    )


def moderation_queue(organisation: Organisation) -> QuerySet[Report]:
    return (
        Report.objects.filter(organisation=organisation, moderation=Moderation.PENDING, duplicate_of__isnull=True)
        .select_related("case", "category")
        .prefetch_related("photos")
        .order_by("created_at", "pk")
    )


# --- Public -----------------------------------------------------------------------------------


def public_reports(organisation: Organisation) -> QuerySet[Report]:
    """What the public map shows: approved reports, open or repaired recently; never merged duplicates.

    Only fields without personal data are read (``public_fields``): the moderated text, category,
    place, dates and status label.
    """
    recent = timezone.now() - timedelta(days=settings_for(organisation).recent_days)
    return (
        Report.objects.filter(organisation=organisation, moderation=Moderation.APPROVED, duplicate_of__isnull=True)
        .filter(Q(case__is_open=True) | Q(repaired_at__gte=recent))
        .select_related("category", "case")
        .only(*PUBLIC_FIELDS)
        .order_by("-created_at", "-pk")
    )


PUBLIC_FIELDS = (
    "pk",
    "organisation_id",
    "category__label",
    "category__code",
    "latitude",
    "longitude",
    "public_place",
    "district",
    "public_description",
    "created_at",
    "repaired_at",
    "case__is_open",
    "case__status_label",
)


def public_report(organisation: Organisation, pk: int) -> Report | None:
    return public_reports(organisation).filter(pk=pk).first()


def public_points(reports: list[Report]) -> list[dict[str, Any]]:
    """Markers for the public map: no personal data (moderated text, category, place, state)."""
    return [
        {
            "id": r.pk,
            "lat": float(r.latitude),
            "lon": float(r.longitude),
            "label": r.category.label,
            "state": "Réparé" if r.repaired_at else "En cours",
        }
        for r in reports
        if r.latitude is not None and r.longitude is not None
    ]


def followed_by(user: Any, organisation: Organisation) -> QuerySet[Report]:
    """The reports of this commune (or its EPCI) that ``user`` follows but did not file."""
    served = [organisation.pk] + ([organisation.parent_id] if organisation.parent_id else [])
    return (
        Report.objects.filter(organisation_id__in=served, followers__user=user, followers__is_reporter=False)
        .exclude(case__requester=user)
        .select_related("case", "category")
        .distinct()
        .order_by("-created_at", "-pk")
    )

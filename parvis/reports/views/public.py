"""The public map of reports (opt-in per organisation), with its list: the same reports, no map needed.

Only approved reports, with the moderated text and place, the public photos, the category, the
state and the dates: never the reporter, the followers or the text as typed.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from parvis.accounts.access import organisation_required
from parvis.reports import queries
from parvis.reports.access import get_public_photo
from parvis.reports.models import ReportPhoto
from parvis.reports.services import settings_for
from parvis.reports.views.common import map_context, with_tiles

PER_PAGE = 50


def _published(request: HttpRequest):  # type: ignore[no-untyped-def]
    organisation = getattr(request, "organisation", None)
    if organisation is None or not settings_for(organisation).public_map:
        raise Http404("Cette collectivité ne publie pas la carte des signalements.")
    return organisation


def _public_photos(reports: list) -> dict[int, list[int]]:  # type: ignore[type-arg]
    photos: dict[int, list[int]] = {}
    for report_id, pk in (
        ReportPhoto.objects.filter(report__in=[r.pk for r in reports], is_public=True)
        .order_by("created_at", "pk")
        .values_list("report_id", "pk")
    ):
        photos.setdefault(report_id, []).append(pk)
    return photos


@require_GET
@organisation_required
def public_map(request: HttpRequest) -> HttpResponse:
    """As anyone, I see the reports in progress and recently repaired, on a map or as a list."""
    organisation = _published(request)
    page = Paginator(queries.public_reports(organisation), PER_PAGE).get_page(request.GET.get("page"))
    reports = list(page.object_list)
    context = {
        "page": page,
        "reports": reports,
        "photos": _public_photos(reports),
        "points": queries.public_points(reports),
        "recent_days": settings_for(organisation).recent_days,
    } | map_context(organisation)
    return with_tiles(render(request, "reports/public/map.html", context), organisation)


@require_GET
@organisation_required
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _published(request)
    report = queries.public_report(organisation, pk)
    if report is None:
        raise Http404("Signalement introuvable.")
    context = {"report": report, "photos": _public_photos([report]).get(report.pk, [])}
    return render(request, "reports/public/detail.html", context)


@require_GET
@organisation_required  # type: ignore[arg-type]
def public_photo(request: HttpRequest, pk: int) -> FileResponse:
    _published(request)
    photo = get_public_photo(request, pk)
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response

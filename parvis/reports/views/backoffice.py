"""Reports in the back office (/backoffice/signalements/): the list and its map, the moderation queue,
the actions of the report panel on the case page (mark repaired, merge, correct the routing,
moderate), the categories and the settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import agent_required, roles_in
from parvis.accounts.enums import Role
from parvis.cases.access import cases_visible_to_agent
from parvis.reports import queries, services
from parvis.reports.access import (
    MODERATION_ROLES,
    REPORT_ROLES,
    get_category_for_admin,
    get_moderated_report,
    get_photo_for_agent,
    get_report_for_agent,
)
from parvis.reports.enums import Moderation
from parvis.reports.forms import (
    CategoryForm,
    FilterForm,
    MergeForm,
    ModerationForm,
    RepairForm,
    RerouteForm,
    SettingsForm,
)
from parvis.reports.models import Report, ReportCategory
from parvis.reports.views.common import map_context, with_tiles

PER_PAGE = 50


def _org(request: HttpRequest) -> Any:
    return request.organisation  # type: ignore[attr-defined]


def _case_page(report: Report) -> str:
    return reverse("cases:detail", kwargs={"reference": report.case.reference}) + "#signalement"


def _action_page(request: HttpRequest, report: Report, title: str, form: Any, action: str) -> HttpResponse:
    """A refused panel action: the same form on its own page, with the errors and what was typed (400)."""
    context = {"report": report, "title": title, "form": form, "action": action}
    return render(request, "reports/backoffice/action.html", context, status=400)


@require_GET
@agent_required(*REPORT_ROLES)
def backoffice_list(request: HttpRequest) -> HttpResponse:
    """As an agent, I see the reports of my services, filtered by category, state or district, listed and on a map."""
    organisation = _org(request)
    form = FilterForm(request.GET or None, organisation=organisation, districts=queries.districts_of(organisation))
    filters = form.cleaned_data if form.is_valid() else {}
    visible = cases_visible_to_agent(request)
    reports = queries.reports_for_agent(
        visible,
        category=filters.get("category", ""),
        status=filters.get("status", ""),
        district=filters.get("district", ""),
    )
    page = Paginator(reports, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    points = [
        {
            "id": r.pk,
            "lat": float(r.latitude),
            "lon": float(r.longitude),
            "label": f"{r.case.reference} — {r.category.label}",
            "state": r.case.status_label,
            "url": reverse("cases:detail", kwargs={"reference": r.case.reference}),
        }
        for r in rows
        if r.latitude is not None and r.longitude is not None
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "points": points,
        "query": query.urlencode(),
        "delays": queries.repair_delays(visible),
        "is_admin": Role.ADMIN in roles_in(request),
        "may_moderate": bool(roles_in(request).intersection(MODERATION_ROLES)),
    } | map_context(organisation)
    return with_tiles(render(request, "reports/backoffice/list.html", context), organisation)


@require_GET
@agent_required(*MODERATION_ROLES)
def moderation(request: HttpRequest) -> HttpResponse:
    """Reports waiting to be published (or not) on the public map, oldest first."""
    organisation = _org(request)
    visible = cases_visible_to_agent(request)
    pending = list(queries.moderation_queue(organisation).filter(case__in=visible)[:PER_PAGE])
    items = [
        (
            report,
            ModerationForm(
                photos=list(report.photos.all()),
                auto_id=f"id_m{report.pk}_%s",
                initial={"public_description": report.description, "public_place": report.address},
            ),
        )
        for report in pending
    ]
    context = {"items": items, "public_map": services.settings_for(organisation).public_map}
    return render(request, "reports/backoffice/moderation.html", context)


@require_POST
@agent_required()  # the object first (404), then the role (403): get_moderated_report
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_moderated_report(request, pk)
    photos = list(report.photos.all())
    form = ModerationForm(request.POST, photos=photos)
    if form.is_valid():
        try:
            services.moderate_report(
                report=report,
                decision=form.cleaned_data["decision"],
                public_description=form.cleaned_data.get("public_description") or "",
                public_place=form.cleaned_data.get("public_place") or "",
                public_photos=[int(p) for p in form.cleaned_data.get("public_photos") or []],
                actor=request.user,
                request=request,
            )
        except services.ReportError as exc:
            form.add_error(None, str(exc))
        else:
            verb = "publié" if report.moderation == Moderation.APPROVED else "non publié"
            messages.success(request, f"Signalement {report.case.reference} {verb}.")
            target = request.POST.get("next", "")
            return redirect(_case_page(report) if target == "case" else reverse("reports:moderation"))
    return _action_page(request, report, "Publication sur la carte", form, reverse("reports:moderate", args=[pk]))


@require_POST
@agent_required(*REPORT_ROLES)
def repair(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark repaired, with an "after" photo: every follower is told, and may confirm or reopen."""
    report = get_report_for_agent(request, pk, write=True)
    form = RepairForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.mark_repaired(
                report=report,
                photo=form.cleaned_data.get("photo"),
                note=form.cleaned_data.get("note") or "",
                actor=request.user,
                request=request,
            )
        except services.ReportError as exc:
            form.add_error(None, str(exc))
        except Exception as exc:
            from django.core.exceptions import ValidationError

            if not isinstance(exc, ValidationError):
                raise
            form.add_error("photo", exc)
        else:
            count = report.followers.count()
            messages.success(request, f"Signalement marqué comme réparé : {count} personne(s) prévenue(s).")
            return redirect(_case_page(report))
    return _action_page(request, report, "Marquer comme réparé", form, reverse("reports:repair", args=[pk]))


@require_POST
@agent_required(*REPORT_ROLES)
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge this report into another (the principal): closed with a link, followers moved and told."""
    report = get_report_for_agent(request, pk, write=True)
    form = MergeForm(request.POST)
    if form.is_valid():
        reference = form.cleaned_data["into"].strip().upper()
        into = (
            Report.objects.filter(case__in=cases_visible_to_agent(request), case__reference=reference)
            .select_related("case", "organisation", "category")
            .first()
        )
        if into is None:
            form.add_error("into", "Aucun signalement de cette référence dans vos services.")
        else:
            try:
                services.merge_reports(duplicate=report, into=into, actor=request.user, request=request)
            except services.ReportError as exc:
                form.add_error("into", str(exc))
            else:
                messages.success(request, f"{report.case.reference} fusionné dans {into.case.reference}.")
                return redirect(_case_page(into))
    return _action_page(
        request, report, "Fusionner avec un autre signalement", form, reverse("reports:merge", args=[pk])
    )


@require_http_methods(["GET", "POST"])
@agent_required(*REPORT_ROLES)
def reroute(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a wrong routing (commune, service, category) with a reason kept in the timeline."""
    report = get_report_for_agent(request, pk, write=request.method == "POST")
    form = RerouteForm(request.POST or None, organisation=_org(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.correct_routing(
                report=report,
                reason=data["reason"],
                organisation=data.get("organisation"),
                department=data.get("department"),
                category=data.get("category"),
                actor=request.user,
                request=request,
            )
        except services.ReportError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Acheminement du signalement {report.case.reference} corrigé.")
            if report.organisation_id != _org(request).pk:
                return redirect("reports:backoffice_list")
            return redirect(_case_page(report))
    status = 400 if request.method == "POST" else 200
    context = {"report": report, "title": "Corriger l'acheminement", "form": form, "action": ""}
    return render(request, "reports/backoffice/action.html", context, status=status)


@require_GET
@agent_required(*REPORT_ROLES)  # type: ignore[arg-type]
def backoffice_photo(request: HttpRequest, pk: int) -> FileResponse:
    photo = get_photo_for_agent(request, pk)
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Administration: categories and settings -------------------------------------------------


def _category_values(form: CategoryForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.Meta.fields}


@require_http_methods(["GET", "POST"])
@agent_required(Role.ADMIN)
def categories(request: HttpRequest) -> HttpResponse:
    """The categories residents choose from, with the service or contractor in charge and the delay."""
    organisation = _org(request)
    form = CategoryForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.save_category(
                organisation=organisation, values=_category_values(form), actor=request.user, request=request
            )
        except services.ReportError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Catégorie « {category.label} » créée.")
            return redirect("reports:categories")
    own = (
        ReportCategory.objects.filter(organisation=organisation)
        .select_related("department")
        .order_by("position", "label")
    )
    inherited = (
        ReportCategory.objects.filter(organisation_id=organisation.parent_id).select_related("department")
        if organisation.parent_id
        else ReportCategory.objects.none()
    )
    context = {"form": form, "categories": own, "inherited": inherited}
    return render(request, "reports/backoffice/categories.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@agent_required()  # the object first (404 for another's), then the role (403): get_category_for_admin
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_category_for_admin(request, pk)
    form = CategoryForm(request.POST or None, instance=category, organisation=_org(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_category(
                organisation=_org(request),
                category=ReportCategory.objects.get(pk=category.pk),
                values=_category_values(form),
                actor=request.user,
                request=request,
            )
        except services.ReportError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Catégorie enregistrée.")
            return redirect("reports:categories")
    context = {"form": form, "category": category}
    return render(request, "reports/backoffice/category_edit.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@agent_required(Role.ADMIN)
def report_settings(request: HttpRequest) -> HttpResponse:
    """Public map (opt-in), map tiles, feedback window, duplicate radius."""
    organisation = _org(request)
    current = services.settings_for(organisation)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.save_settings(
            organisation=organisation,
            values={name: form.cleaned_data[name] for name in form.Meta.fields},
            actor=request.user,
            request=request,
        )
        messages.success(request, "Réglages des signalements enregistrés.")
        return redirect("reports:settings")
    return render(request, "reports/backoffice/settings.html", {"form": form}, status=400 if form.errors else 200)

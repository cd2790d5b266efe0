"""Statistics pages: the organisation's dashboard (elected officials, administrators), each
department's dashboard (its agents), the CSV exports, the public page and its open-data file.

Every page reads the pre-aggregated tables only (``parvis.stats.queries``).
"""

from __future__ import annotations

import csv
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import agent_required, organisation_required, roles_in
from parvis.accounts.enums import Role
from parvis.cases.enums import Channel
from parvis.legal.clock import paris_today
from parvis.organisations.models import Department, Organisation
from parvis.stats import services
from parvis.stats.access import (
    MANAGER_ROLES,
    current_organisation,
    exports_visible,
    get_department_for_stats,
    get_export_for_user,
    is_manager,
    organisation_ids,
    require_manager,
    stats_departments,
)
from parvis.stats.enums import CaseList, ExportKind, ExportStatus
from parvis.stats.forms import StatsFilterForm
from parvis.stats.queries import (
    Dashboard,
    Figures,
    StatsFilters,
    activity,
    dashboard,
    departments_for,
    procedures_for,
    public_settings,
)
from parvis.stats.spreadsheets import CSV_CONTENT_TYPE, FORMATS, ODS_CONTENT_TYPE, Sheet, csv_bytes, ods_bytes
from parvis.stats.tables import (
    ACTIVITY_TABLES,
    CASE_HEADER,
    TABLES,
    appointment_summary_sheet,
    case_list_queryset,
    case_list_title,
    case_rows,
    sheets,
)

OPEN_DATA_MIN = 5  # statistical secrecy: counts from 1 to 4 are not published (docs/stats.md)


def _selection(
    request: HttpRequest, organisation: Organisation, *, department: Department | None, public: bool = False
) -> tuple[StatsFilterForm, StatsFilters, dict[str, Any]]:
    ids = organisation_ids(organisation)
    departments = None if (department is not None or public or organisation.is_epci) else departments_for(ids)
    form = StatsFilterForm(
        request.GET if request.GET else None,
        procedures=procedures_for(ids),
        departments=departments,
        today=paris_today(),
    )
    selection = form.selection()
    filters = StatsFilters(
        start=selection["start"],
        end=selection["end"],
        department=department.pk if department is not None else selection["department"],
        procedure=selection["procedure"],
        channel=selection["channel"],
    )
    return form, filters, selection


def _queue_link(filters: StatsFilters, **extra: Any) -> str:
    """The agents' queue with the filters it knows (status, procedure, department, channel, deadline).
    It has no period filter: the link lists every case matching the other filters."""
    params: dict[str, Any] = {}
    if filters.procedure:
        params["procedure"] = filters.procedure
    if filters.department:
        params["department"] = filters.department
    if filters.channel:
        params["channel"] = filters.channel
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return reverse("cases:queue") + ("?" + urlencode(params) if params else "")


def _drill_links(filters: StatsFilters, board: Dashboard) -> dict[str, Any]:
    def with_key(kind: str, figures: list[Figures]) -> None:
        for f in figures:
            if f.key is not None:
                f.queue_url = _queue_link(filters, **{kind: f.key}, status="open")  # type: ignore[attr-defined]

    with_key("channel", board.by_channel)
    with_key("procedure", board.by_procedure)
    with_key("department", board.by_department)
    return {
        "open": _queue_link(filters, status="open"),
        "closed": _queue_link(filters, status="closed"),
        "late": _queue_link(filters, deadline="late"),
        "due": _queue_link(filters, deadline="due_7"),
        "all": _queue_link(filters),
    }


# Pages of the other apps listing what an activity table counts: (key, URL name, roles allowed there or
# None for every agent, query string of the period). A missing URL or role simply gives no link.
ACTIVITY_PAGES = (
    ("calls", "calls:statistics", ("admin", "front_office", "back_office", "elected"), "start={start}&end={end}"),
    ("letters", "mailroom:list", ("admin", "front_office", "back_office"), ""),
    ("reports", "reports:backoffice_list", ("admin", "front_office", "back_office", "field", "elected"), ""),
    ("appointments", "appointments:statistics", None, "du={start}&au={end}"),
)


def _activity_links(request: HttpRequest, filters: StatsFilters) -> dict[str, str]:
    """Drill-down from the activity tables to the apps' own pages, for the agents who may open them."""
    held = roles_in(request)
    links = {}
    for key, name, roles, query in ACTIVITY_PAGES:
        if roles is not None and not held & set(roles):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        params = query.format(start=filters.start.isoformat(), end=filters.end.isoformat())
        links[key] = url + (f"?{params}" if params else "")
    return links


def _case_lists(filters: StatsFilters, board: Dashboard) -> list[tuple[str, str, int]]:
    """The lists of cases a dashboard offers to download: (list, label, how many now)."""
    return [
        (CaseList.LATE, "Demandes en retard", board.total.late),
        (CaseList.OPEN, "Demandes en cours", board.total.open_total),
    ]


def _csv_query(request: HttpRequest) -> str:
    kept = request.GET.copy()
    kept.pop("table", None)
    return kept.urlencode()


def _render(request: HttpRequest, organisation: Organisation, department: Department | None) -> HttpResponse:
    form, filters, selection = _selection(request, organisation, department=department)
    ids = organisation_ids(organisation)
    board = dashboard(ids, filters)
    board_activity = activity(ids, filters, cases_only=department is not None, board=board)
    links = {} if organisation.is_epci else _drill_links(filters, board)
    export_url = (
        reverse("stats:department_export", kwargs={"pk": department.pk})
        if department is not None
        else reverse("stats:export")
    )
    return render(
        request,
        "stats/dashboard.html",
        {
            "form": form,
            "board": board,
            "selection": selection,
            "department": department,
            "links": links,
            "is_epci": organisation.is_epci,
            "export_url": export_url,
            "ods_url": export_url.removesuffix(".csv") + ".ods",
            "csv_query": _csv_query(request),
            "activity": board_activity,
            "activity_links": {} if organisation.is_epci else _activity_links(request, filters),
            "case_lists": [] if organisation.is_epci else _case_lists(filters, board),
            "ready_exports": list(
                exports_visible(request).filter(
                    requested_by=request.user.pk, status=ExportStatus.READY, downloaded_at__isnull=True
                )[:5]
            ),
            "other_departments": _department_choices(request, organisation, department),
            "is_manager": is_manager(request),
        },
    )


def _department_choices(
    request: HttpRequest, organisation: Organisation, current: Department | None
) -> list[Department]:
    if organisation.is_epci:
        return []
    allowed = set(stats_departments(request))
    return [d for d in departments_for([organisation.pk]) if d.pk in allowed and d != current]


@require_GET
@agent_required()
def home(request: HttpRequest) -> HttpResponse:
    """« Statistiques » in the menu: the organisation's dashboard for managers, else the agent's department's."""
    if is_manager(request):
        return redirect("stats:dashboard")
    departments = stats_departments(request)
    if not departments:
        require_manager(request)  # 403 with the reason
    return redirect("stats:department", pk=departments[0])


@require_GET
@agent_required(*MANAGER_ROLES)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """As an elected official or an administrator, I see the organisation's figures for a period
    (an EPCI: its total and each commune)."""
    return _render(request, current_organisation(request), None)


@require_GET
@agent_required()
def department_view(request: HttpRequest, pk: int) -> HttpResponse:
    """As an agent, I see my department's figures and open the cases behind them."""
    department = get_department_for_stats(request, pk)
    return _render(request, current_organisation(request), department)


def _csv_response(filename: str) -> tuple[HttpResponse, Any]:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # spreadsheets read the accents as UTF-8
    return response, csv.writer(response, delimiter=";")


def _number(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}".replace(".", ",")


def _file_response(sheets: list[Sheet], filename: str, fmt: str) -> HttpResponse:
    if fmt == "ods":
        response = HttpResponse(ods_bytes(sheets), content_type=ODS_CONTENT_TYPE)
    else:
        response = HttpResponse(csv_bytes(sheets), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _export(request: HttpRequest, organisation: Organisation, department: Department | None, fmt: str) -> HttpResponse:
    _, filters, _ = _selection(request, organisation, department=department)
    table = request.GET.get("table", "summary")
    if table not in TABLES or (department is not None and table in ACTIVITY_TABLES and table != "channel_use"):
        raise Http404("Tableau inconnu.")
    ids = organisation_ids(organisation)
    board = dashboard(ids, filters)
    needs_activity = table in ACTIVITY_TABLES or table == "all"
    board_activity = (
        activity(
            ids,
            filters,
            cases_only=department is not None,
            with_occupancy=table in ("all", "appointments"),
            board=board,
        )
        if needs_activity
        else None
    )
    found = sheets(
        table,
        board=board,
        activity=board_activity,
        filters=filters,
        is_epci=organisation.is_epci,
        department=department is not None,
    )
    if table == "appointments" and board_activity is not None:
        found.append(appointment_summary_sheet(board_activity))
    name = f"statistiques-{organisation.slug}-{table}-{filters.start.isoformat()}-{filters.end.isoformat()}"
    return _file_response(found, name, fmt)


@require_GET
@agent_required(*MANAGER_ROLES)
def export(request: HttpRequest, fmt: str = "csv") -> HttpResponse:
    """CSV or ODS of one table of the organisation's dashboard (``?table=``; ``all``: every table,
    one sheet each), with the dashboard's filters."""
    return _export(request, current_organisation(request), None, fmt)


@require_GET
@agent_required()
def department_export(request: HttpRequest, pk: int, fmt: str = "csv") -> HttpResponse:
    department = get_department_for_stats(request, pk)
    return _export(request, current_organisation(request), department, fmt)


# --- Lists of cases behind a figure (immediate when short, in the background when long) -----------------


def _list_params(request: HttpRequest, organisation: Organisation) -> tuple[dict[str, Any], Department | None]:
    """The list asked for (POST) and the dashboard it comes from: a department's (its agents) or the
    organisation's (managers)."""
    data = request.POST
    if data.get("list") not in CaseList.values or data.get("format") not in FORMATS:
        raise Http404("Liste inconnue.")
    scope = data.get("scope_department", "")
    department = None
    if scope:
        if not scope.isdigit():
            raise Http404("Service introuvable.")
        department = get_department_for_stats(request, int(scope))
    else:
        require_manager(request)
    params: dict[str, Any] = {"list": data["list"]}
    for name in ("procedure", "department"):
        value = data.get(name, "")
        if value.isdigit():
            params[name] = int(value)
    if department is not None:
        params["department"] = department.pk
    if data.get("channel") in Channel.values:
        params["channel"] = data["channel"]
    return params, department


def _list_names(params: dict[str, Any]) -> dict[str, str]:
    from parvis.procedures.models import Procedure

    names = {}
    if params.get("procedure"):
        names["procedure"] = Procedure.objects.filter(pk=params["procedure"]).values_list("title", flat=True).first()
    if params.get("department"):
        names["department"] = Department.objects.filter(pk=params["department"]).values_list("name", flat=True).first()
    if params.get("channel"):
        names["channel"] = dict(Channel.choices).get(params["channel"], "")
    return {k: v for k, v in names.items() if v}


@require_POST
@agent_required()
def case_export(request: HttpRequest) -> HttpResponse:
    """As an agent, I download the list of cases behind a figure (e.g. « en retard »): at once when it
    is short; built in the background, with its progress and a notification, when it is long."""
    organisation = current_organisation(request)
    params, _ = _list_params(request, organisation)
    fmt = request.POST["format"]
    cases = case_list_queryset(organisation=organisation, user=request.user, params=params)
    total = cases.count()
    title = case_list_title(params, _list_names(params))
    filename = f"demandes-{organisation.slug}-{params['list']}-{paris_today().isoformat()}.{fmt}"
    if total > services.background_threshold():
        export_ = services.request_export(
            organisation=organisation,
            kind=ExportKind.CASES,
            params=params,
            format=fmt,
            title=title,
            filename=filename,
            rows_total=total,
            actor=request.user,
            request=request,
        )
        messages.info(request, f"La liste compte {total} demandes : elle est préparée en arrière-plan.")
        return redirect("stats:export_detail", pk=export_.pk)
    services.record_cases_export(
        organisation=organisation, params=params, format=fmt, rows=total, actor=request.user, request=request
    )
    sheet = Sheet(title[:31], CASE_HEADER, case_rows(cases))
    return _file_response([sheet], filename.rsplit(".", 1)[0], fmt)


@require_GET
@agent_required()
def export_list(request: HttpRequest) -> HttpResponse:
    """My exports (an administrator: every agent's), with their state and their files while they last."""
    exports = list(exports_visible(request).select_related("requested_by")[:100])
    return render(request, "stats/exports.html", {"exports": exports})


@require_GET
@agent_required()
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of an export (htmx polls the status part every 2 seconds while it is built)."""
    export_ = get_export_for_user(request, pk)
    template = "stats/includes/export_status.html" if request.headers.get("HX-Request") else "stats/export.html"
    return render(request, template, {"export": export_})


@require_GET
@agent_required()  # type: ignore[arg-type]  # a FileResponse streams: not an HttpResponse subclass
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    export_ = get_export_for_user(request, pk)
    if export_.status != ExportStatus.READY or not export_.file:
        raise Http404("Ce fichier n'est pas (ou plus) disponible.")
    services.record_export_download(export=export_, actor=request.user, request=request)
    content_type = ODS_CONTENT_TYPE if export_.format == "ods" else CSV_CONTENT_TYPE
    response = FileResponse(
        export_.file.open("rb"), as_attachment=True, filename=export_.filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _public_organisation(request: HttpRequest) -> Organisation:
    organisation = current_organisation(request)
    if public_settings(organisation) is None:
        raise Http404("Cette collectivité ne publie pas ses statistiques.")
    return organisation


@require_GET
@organisation_required
def public(request: HttpRequest) -> HttpResponse:
    """As a resident, I see my commune's aggregated figures (when it publishes them)."""
    organisation = _public_organisation(request)
    form, filters, selection = _selection(request, organisation, department=None, public=True)
    ids = organisation_ids(organisation)
    board = dashboard(ids, filters)
    board_activity = activity(ids, filters, with_occupancy=False, board=board)
    return render(
        request,
        "stats/public.html",
        {
            "form": form,
            "board": board,
            "activity": board_activity,
            "selection": selection,
            "csv_query": _csv_query(request),
        },
    )


def _secret(value: int) -> Any:
    return "" if 0 < value < OPEN_DATA_MIN else value


@require_GET
@organisation_required
def open_data(request: HttpRequest) -> HttpResponse:
    """Open-data CSV: one row per month × procedure × channel, anonymised (docs/stats.md)."""
    from parvis.stats.queries import open_data_rows

    organisation = _public_organisation(request)
    _, filters, _ = _selection(request, organisation, department=None, public=True)
    response, writer = _csv_response(
        f"donnees-ouvertes-{organisation.slug}-{filters.start.isoformat()}-{filters.end.isoformat()}.csv"
    )
    writer.writerow(OPEN_DATA_HEADER)
    for row in open_data_rows(organisation_ids(organisation), filters):
        writer.writerow(
            [
                row["insee"],
                row["organisation"],
                row["month"],
                row["procedure"],
                row["channel"],
                *(_secret(row[name]) for name in OPEN_DATA_COUNTS),
                _number(row["mean_days"]) if row["responded"] >= OPEN_DATA_MIN else "",
            ]
        )
    return response


OPEN_DATA_COUNTS = (
    "received",
    "closed",
    "decided",
    "with_delay",
    "within_delay",
    "implicit_accepted",
    "implicit_rejected",
    "incomplete",
    "ack_within",
    "responded",
)
OPEN_DATA_HEADER = [
    "code_insee",
    "collectivite",
    "mois",
    "demarche",
    "canal",
    "demandes_recues",
    "demandes_closes",
    "decisions_expresses",
    "closes_avec_delai",
    "decidees_dans_le_delai",
    "acceptations_implicites",
    "rejets_implicites",
    "dossiers_incomplets",
    "accuses_reception_dans_le_delai",
    "reponses",
    "delai_moyen_reponse_jours",
]


@require_http_methods(["GET", "POST"])
@agent_required(Role.ADMIN)
def publication(request: HttpRequest) -> HttpResponse:
    """As an administrator, I publish (or withdraw) the commune's public statistics page."""
    organisation = current_organisation(request)
    settings = services.settings_for(organisation)
    target_error, target_typed = "", ""
    if request.method == "POST" and "target_days" in request.POST:
        target_typed = request.POST.get("target_days", "").strip()
        try:
            days = int(target_typed) if target_typed else None
            services.set_target_days(organisation=organisation, days=days, actor=request.user, request=request)
        except ValueError:
            target_error = "Indiquez un nombre de jours entre 1 et 365, ou laissez vide pour ne pas fixer d'objectif."
        else:
            messages.success(
                request,
                f"Objectif enregistré : réponse en {days} jours au plus." if days else "Objectif de délai retiré.",
            )
            return redirect("stats:publication")
    elif request.method == "POST":
        enabled = request.POST.get("public_stats_enabled") == "on"
        services.set_public_stats(organisation=organisation, enabled=enabled, actor=request.user, request=request)
        messages.success(
            request,
            "La page publique des statistiques est publiée."
            if enabled
            else "La page publique des statistiques est retirée.",
        )
        return redirect("stats:publication")
    return render(
        request,
        "stats/publication.html",
        {"settings": settings, "target_error": target_error, "target_typed": target_typed},
        status=400 if target_error else 200,
    )

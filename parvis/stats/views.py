"""Statistics pages: the organisation's dashboard (elected officials, administrators), each
department's dashboard (its agents), the CSV exports, the public page and its open-data file.

Every page reads the pre-aggregated tables only (``parvis.stats.queries``).
"""

from __future__ import annotations

import csv
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from parvis.accounts.access import agent_required, organisation_required
from parvis.accounts.enums import Role
from parvis.legal.clock import paris_today
from parvis.organisations.models import Department, Organisation
from parvis.stats import services
from parvis.stats.access import (
    MANAGER_ROLES,
    current_organisation,
    get_department_for_stats,
    is_manager,
    organisation_ids,
    require_manager,
    stats_departments,
)
from parvis.stats.forms import StatsFilterForm
from parvis.stats.queries import (
    Dashboard,
    Figures,
    StatsFilters,
    dashboard,
    departments_for,
    procedures_for,
    public_settings,
)

TABLES = ("summary", "channel", "procedure", "department", "organisation", "month", "backlog")
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


def _csv_query(request: HttpRequest) -> str:
    kept = request.GET.copy()
    kept.pop("table", None)
    return kept.urlencode()


def _render(request: HttpRequest, organisation: Organisation, department: Department | None) -> HttpResponse:
    form, filters, selection = _selection(request, organisation, department=department)
    board = dashboard(organisation_ids(organisation), filters)
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
            "csv_query": _csv_query(request),
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


FIGURE_COLUMNS: list[tuple[str, str]] = [
    ("Reçues", "received"),
    ("Closes", "closed"),
    ("En cours (maintenant)", "open_total"),
    ("En retard (maintenant)", "late"),
    ("Décisions expresses", "decided"),
    ("Closes avec un délai", "with_delay"),
    ("Décidées dans le délai", "within_delay"),
    ("Acceptations implicites", "implicit_accepted"),
    ("Rejets implicites", "implicit_rejected"),
    ("Dossiers incomplets", "incomplete"),
    ("Accusés de réception dans le délai légal", "ack_within"),
    ("Réponses", "responded"),
]


def _figure_row(figures: Figures) -> list[Any]:
    return [
        *(getattr(figures, name) for _, name in FIGURE_COLUMNS),
        _number(figures.within_delay_rate * 100 if figures.within_delay_rate is not None else None),
        _number(figures.incomplete_rate * 100 if figures.incomplete_rate is not None else None),
        _number(figures.ack_within_rate * 100 if figures.ack_within_rate is not None else None),
        _number(figures.mean_days),
        _number(figures.median),
        _number(figures.p90),
    ]


FIGURE_HEADER = [
    *(label for label, _ in FIGURE_COLUMNS),
    "Part décidée dans le délai (%)",
    "Taux de dossiers incomplets (%)",
    "Part des accusés de réception dans le délai (%)",
    "Délai moyen de réponse (jours)",
    "Délai médian de réponse (jours)",
    "9e décile du délai de réponse (jours)",
]


def _export(request: HttpRequest, organisation: Organisation, department: Department | None) -> HttpResponse:
    _, filters, _ = _selection(request, organisation, department=department)
    table = request.GET.get("table", "summary")
    if table not in TABLES:
        raise Http404("Tableau inconnu.")
    board = dashboard(organisation_ids(organisation), filters)
    name = f"statistiques-{organisation.slug}-{table}-{filters.start.isoformat()}-{filters.end.isoformat()}.csv"
    response, writer = _csv_response(name)
    if table == "backlog":
        writer.writerow(["Ancienneté depuis la réception", "Demandes en cours"])
        for _, label, count in board.backlog:
            writer.writerow([label, count])
        return response
    rows = {
        "summary": [board.total],
        "channel": board.by_channel,
        "procedure": board.by_procedure,
        "department": board.by_department,
        "organisation": board.by_organisation,
        "month": board.by_month,
    }[table]
    first = {"summary": "Période", "channel": "Canal", "procedure": "Démarche", "department": "Service"}.get(
        table, "Collectivité" if table == "organisation" else "Mois"
    )
    writer.writerow([first, *FIGURE_HEADER])
    for figures in rows:
        label = f"{filters.start.isoformat()} au {filters.end.isoformat()}" if table == "summary" else figures.label
        writer.writerow([label, *_figure_row(figures)])
    return response


@require_GET
@agent_required(*MANAGER_ROLES)
def export(request: HttpRequest) -> HttpResponse:
    """CSV of one table of the organisation's dashboard (``?table=``), with the dashboard's filters."""
    return _export(request, current_organisation(request), None)


@require_GET
@agent_required()
def department_export(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_department_for_stats(request, pk)
    return _export(request, current_organisation(request), department)


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
    board = dashboard(organisation_ids(organisation), filters)
    return render(
        request,
        "stats/public.html",
        {"form": form, "board": board, "selection": selection, "csv_query": _csv_query(request)},
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
    if request.method == "POST":
        enabled = request.POST.get("public_stats_enabled") == "on"
        services.set_public_stats(organisation=organisation, enabled=enabled, actor=request.user, request=request)
        messages.success(
            request,
            "La page publique des statistiques est publiée."
            if enabled
            else "La page publique des statistiques est retirée.",
        )
        return redirect("stats:publication")
    return render(request, "stats/publication.html", {"settings": settings})

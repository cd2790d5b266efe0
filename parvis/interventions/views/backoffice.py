"""Planning and supervising field interventions (/backoffice/interventions/): the weekly plan per
team with the backlog, the intervention page, creation from a case, validation, the teams."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import agent_required, memberships_in, roles_in
from parvis.accounts.enums import Role
from parvis.interventions import queries, services
from parvis.interventions.access import (
    FIELD_ROLES,
    READ_ROLES,
    SUPERVISOR_ROLES,
    get_intervention_for_agent,
    get_team_for_supervisor,
    interventions_visible_to_agent,
    is_supervisor,
    may_do_field_work,
    teams_visible_to_agent,
)
from parvis.interventions.enums import Status
from parvis.interventions.forms import (
    CancelForm,
    FieldReportForm,
    InterventionForm,
    PlanForm,
    ReturnForm,
    TeamForm,
    ValidateForm,
)
from parvis.interventions.models import Intervention, InterventionReport, Team
from parvis.interventions.weeks import current_week, parse_week, week_label
from parvis.organisations.models import Department

PLAN_ROLES = (*READ_ROLES, Role.FIELD)


def _org(request: HttpRequest) -> Any:
    return request.organisation  # type: ignore[attr-defined]


def _report(intervention: Intervention) -> InterventionReport | None:
    return InterventionReport.objects.filter(intervention=intervention).first()


def _plan_form(request: HttpRequest, intervention: Intervention | None = None, data: Any = None) -> PlanForm:
    initial: dict[str, Any] = {}
    if intervention is not None:
        initial = {
            "team": intervention.team_id,
            "planned_week": (intervention.planned_week or current_week()).isoformat(),
            "assigned_to": intervention.assigned_to_id,
        }
    return PlanForm(
        data,
        teams=teams_visible_to_agent(request),
        agents=queries.field_agents(_org(request)),
        initial=initial,
        prefix=f"plan-{intervention.pk}" if intervention is not None and data is None else None,
    )


def _service_error(form: Any, exc: services.InterventionError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc))


def _backlog_forms(request: HttpRequest, backlog: list[Intervention]) -> list[tuple[Intervention, PlanForm | None]]:
    """One plan form per waiting intervention; the team and agent lists are read once for all."""
    forms = [_plan_form(request, intervention) for intervention in backlog]
    if forms:
        shared = {name: list(forms[0].fields[name].choices) for name in ("team", "assigned_to")}  # type: ignore[attr-defined]
        for form in forms:
            for name, choices in shared.items():
                form.fields[name].choices = choices  # type: ignore[attr-defined]
    return list(zip(backlog, forms, strict=True))


# --- The weekly plan ---------------------------------------------------------------------------


@require_GET
@agent_required(*PLAN_ROLES)
def plan(request: HttpRequest) -> HttpResponse:
    """As the head of a service, I see each team's week and the interventions waiting for a team;
    I plan them with a form (no dragging); the page prints as the teams' paper plan."""
    week = parse_week(request.GET.get("semaine")) or current_week()
    visible = interventions_visible_to_agent(request)
    teams = teams_visible_to_agent(request)
    chosen_team = None
    team_pk = request.GET.get("equipe", "")
    if team_pk.isdigit():
        chosen_team = teams.filter(pk=int(team_pk)).first()
        if chosen_team is not None:
            visible = visible.filter(team=chosen_team)
            teams = teams.filter(pk=chosen_team.pk)
    supervisor = is_supervisor(request)
    backlog = list(queries.backlog(interventions_visible_to_agent(request))) if chosen_team is None else []
    return render(
        request,
        "interventions/backoffice/plan.html",
        {
            "week": week,
            "week_title": week_label(week, year=True),
            "previous_week": (week - dt.timedelta(weeks=1)).isoformat(),
            "next_week": (week + dt.timedelta(weeks=1)).isoformat(),
            "this_week": current_week(),
            "is_current_week": week == current_week(),
            "columns": queries.week_plan(visible, teams, week),
            "backlog": _backlog_forms(request, backlog) if supervisor else [(i, None) for i in backlog],
            "all_teams": teams_visible_to_agent(request).filter(is_active=True),
            "chosen_team": chosen_team,
            "supervisor": supervisor,
            "awaiting": queries.awaiting_validation(interventions_visible_to_agent(request)).count()
            if supervisor
            else 0,
        },
    )


@require_GET
@agent_required(*SUPERVISOR_ROLES)
def to_validate(request: HttpRequest) -> HttpResponse:
    """As a supervisor, I see the interventions the teams finished, oldest first."""
    found = list(queries.awaiting_validation(interventions_visible_to_agent(request)))
    return render(request, "interventions/backoffice/to_validate.html", {"interventions": found})


# --- One intervention --------------------------------------------------------------------------


def _render_detail(
    request: HttpRequest, intervention: Intervention, *, status: int = 200, **forms: Any
) -> HttpResponse:
    from parvis.cases.access import cases_visible_to_agent

    supervisor = is_supervisor(request)
    field_work = may_do_field_work(request, intervention)
    report = _report(intervention)
    context: dict[str, Any] = {
        "intervention": intervention,
        "report": report,
        "supervisor": supervisor,
        "field_work": field_work,
        "case_visible": cases_visible_to_agent(request).filter(pk=intervention.case_id).exists(),
        "week_title": week_label(intervention.planned_week, year=True) if intervention.planned_week else "",
        "Status": Status,
        "is_street_report": services._report_of(intervention.case) is not None,
    }
    if supervisor and intervention.is_open and intervention.status != Status.DONE:
        context["plan_form"] = forms.get("plan_form") or _plan_form(request, intervention)
    if supervisor and intervention.status == Status.DONE:
        context["validate_form"] = forms.get("validate_form") or ValidateForm(
            initial={"notify_requester": bool(intervention.case.requester_email)}
        )
        context["return_form"] = forms.get("return_form") or ReturnForm()
    if supervisor and intervention.is_open:
        context["cancel_form"] = forms.get("cancel_form") or CancelForm()
    if field_work and intervention.status in (Status.PLANNED, Status.IN_PROGRESS):
        context["report_form"] = forms.get("report_form") or FieldReportForm(has_photo=bool(report and report.photo))
    return render(request, "interventions/backoffice/detail.html", context, status=status)


@require_GET
@agent_required(*PLAN_ROLES)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = get_intervention_for_agent(request, pk)
    return _render_detail(request, intervention)


@require_GET
@agent_required(*PLAN_ROLES)  # type: ignore[arg-type]  # a FileResponse streams: not an HttpResponse subclass
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """The « after » photo, for agents who may see the intervention (never through a public address)."""
    intervention = get_intervention_for_agent(request, pk)
    report = _report(intervention)
    if report is None or not report.photo:
        raise Http404("Aucune photo.")
    response = FileResponse(report.photo.open("rb"), content_type=report.photo_content_type or "image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@agent_required(*SUPERVISOR_ROLES)
def create(request: HttpRequest, reference: str) -> HttpResponse:
    """As an agent of the service, I turn a case (a street report or any request) into a work order."""
    from parvis.cases.access import get_case_for_agent

    case = get_case_for_agent(request, reference, write=True)
    organisation = _org(request)
    street_report = services._report_of(case)
    initial = {
        "title": str(street_report.category) if street_report is not None else case.procedure.title,
        "description": street_report.description if street_report is not None else "",
        "location": street_report.address if street_report is not None else "",
        "team": services.default_team(organisation, case.department),
    }
    form = InterventionForm(request.POST or None, organisation=organisation, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                intervention = services.create_intervention(
                    case=case,
                    title=data["title"],
                    description=data.get("description") or "",
                    location=data.get("location") or "",
                    priority=data["priority"],
                    due_on=data.get("due_on"),
                    team=data.get("team"),
                    planned_week=data.get("planned_week"),
                    actor=request.user,
                    request=request,
                )
            except services.InterventionError as exc:
                _service_error(form, exc)
            else:
                messages.success(request, f"Intervention {intervention.number} créée.")
                return redirect("interventions:detail", pk=intervention.pk)
        status = 400
    return render(
        request,
        "interventions/backoffice/create.html",
        {"case": case, "form": form, "street_report": street_report},
        status=status,
    )


@require_POST
@agent_required(*SUPERVISOR_ROLES)
def plan_one(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = get_intervention_for_agent(request, pk, act="supervise")
    prefix = f"plan-{intervention.pk}"
    data: dict[str, Any] = {key: request.POST.get(key, "") for key in ("team", "planned_week", "assigned_to")}
    if f"{prefix}-team" in request.POST:  # sent from the plan page's backlog
        data = {key: request.POST.get(f"{prefix}-{key}", "") for key in data}
    form = _plan_form(request, intervention, data)
    if form.is_valid():
        try:
            services.plan(
                intervention=intervention,
                team=form.cleaned_data["team"],
                week=form.cleaned_data["planned_week"],
                assigned_to=form.cleaned_data.get("assigned_to"),
                actor=request.user,
                request=request,
            )
        except services.InterventionError as exc:
            _service_error(form, exc)
        else:
            week = form.cleaned_data["planned_week"]
            messages.success(request, f"Intervention {intervention.number} planifiée {week_label(week)}.")
            if request.POST.get("next") == "plan":
                return redirect(reverse("interventions:plan") + f"?semaine={week.isoformat()}")
            return redirect("interventions:detail", pk=intervention.pk)
    return _render_detail(request, intervention, status=400, plan_form=form)


@require_POST
@agent_required(*SUPERVISOR_ROLES)
def validate(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = get_intervention_for_agent(request, pk, act="supervise")
    form = ValidateForm(request.POST)
    if form.is_valid():
        try:
            services.validate(
                intervention=intervention,
                notify_requester=form.cleaned_data["notify_requester"],
                message=form.cleaned_data.get("message") or "",
                actor=request.user,
                request=request,
            )
        except services.InterventionError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, f"Intervention {intervention.number} validée.")
            if request.POST.get("next") == "to_validate":
                return redirect("interventions:to_validate")
            return redirect("interventions:detail", pk=intervention.pk)
    intervention.refresh_from_db()
    return _render_detail(request, intervention, status=400, validate_form=form)


@require_POST
@agent_required(*SUPERVISOR_ROLES)
def return_to_field(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = get_intervention_for_agent(request, pk, act="supervise")
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.return_to_field(
                intervention=intervention, comment=form.cleaned_data["comment"], actor=request.user, request=request
            )
        except services.InterventionError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, f"Intervention {intervention.number} renvoyée à l'équipe.")
            return redirect("interventions:detail", pk=intervention.pk)
    return _render_detail(request, intervention, status=400, return_form=form)


@require_POST
@agent_required(*SUPERVISOR_ROLES)
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = get_intervention_for_agent(request, pk, act="supervise")
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel(
                intervention=intervention, reason=form.cleaned_data["reason"], actor=request.user, request=request
            )
        except services.InterventionError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, f"Intervention {intervention.number} annulée.")
            return redirect("interventions:detail", pk=intervention.pk)
    return _render_detail(request, intervention, status=400, cancel_form=form)


# --- Field work (also from the phone pages) ---------------------------------------------------


@require_POST
@agent_required(*FIELD_ROLES)
def start(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = get_intervention_for_agent(request, pk, act="field")
    try:
        services.start(intervention=intervention, actor=request.user, request=request)
    except services.InterventionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Intervention {intervention.number} commencée.")
    return redirect("interventions:report", pk=intervention.pk)


@require_http_methods(["GET", "POST"])
@agent_required(*FIELD_ROLES)
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """On a phone: the intervention (place, map link, what to do), « Commencer », and the report
    with the camera, the time spent and the materials."""
    intervention = get_intervention_for_agent(request, pk, act="field")
    existing = _report(intervention)
    initial = {}
    if existing is not None:
        initial = {
            "time_spent_minutes": existing.time_spent_minutes,
            "materials": existing.materials,
            "comment": existing.comment,
        }
    form = FieldReportForm(
        request.POST or None, request.FILES or None, has_photo=bool(existing and existing.photo), initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.submit_field_report(
                    intervention=intervention,
                    time_spent_minutes=data["time_spent_minutes"],
                    materials=data.get("materials") or "",
                    comment=data.get("comment") or "",
                    photo=data.get("photo"),
                    actor=request.user,
                    request=request,
                )
            except services.InterventionError as exc:
                _service_error(form, exc)
            else:
                messages.success(
                    request, f"Compte rendu de l'intervention {intervention.number} envoyé pour validation."
                )
                return redirect("interventions:mine")
        status = 400
    return render(
        request,
        "interventions/backoffice/report.html",
        {
            "intervention": intervention,
            "report": existing,
            "form": form,
            "can_report": intervention.status in (Status.PLANNED, Status.IN_PROGRESS),
            "week_title": week_label(intervention.planned_week) if intervention.planned_week else "",
            "Status": Status,
        },
        status=status,
    )


@require_GET
@agent_required(*FIELD_ROLES)
def mine(request: HttpRequest) -> HttpResponse:
    """As a field agent, on my phone: today's and this week's interventions of my teams."""
    day = queries.mine(request.user, _org(request))  # type: ignore[arg-type]
    return render(
        request,
        "interventions/backoffice/mine.html",
        {
            "day": day,
            "week_title": week_label(current_week()),
            "has_team": Team.objects.filter(
                organisation=_org(request), members=request.user.pk, is_active=True
            ).exists(),
        },
    )


# --- Teams -------------------------------------------------------------------------------------


def _departments(request: HttpRequest) -> Any:
    departments = Department.objects.filter(organisation=_org(request), is_active=True).order_by("name")
    if Role.ADMIN in roles_in(request):
        return departments
    mine_ = {m.department_id for m in memberships_in(request) if m.role == Role.BACK_OFFICE}
    return departments if None in mine_ else departments.filter(pk__in=mine_)


def _team_form(request: HttpRequest, data: Any = None, initial: Any = None) -> TeamForm:
    departments = _departments(request)
    restricted = Role.ADMIN not in roles_in(request) and None not in {
        m.department_id for m in memberships_in(request) if m.role == Role.BACK_OFFICE
    }
    initial = dict(initial or {})
    if restricted and not initial.get("department"):
        initial["department"] = departments.values_list("pk", flat=True).first()
    form = TeamForm(data, organisation=_org(request), agents=queries.field_agents(_org(request)), initial=initial)
    department = form.fields["department"]
    department.queryset = departments  # type: ignore[attr-defined]
    # An agent limited to his departments only sees their teams: a team must belong to one of them.
    department.required = restricted
    return form


def _save_team(request: HttpRequest, form: TeamForm, team: Team | None) -> Team | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return services.save_team(
            organisation=_org(request),
            name=data["name"],
            department=data.get("department"),
            members=list(data.get("members") or []),
            is_active=data.get("is_active", False),
            team=team,
            actor=request.user,
            request=request,
        )
    except services.InterventionError as exc:
        _service_error(form, exc)
        return None


@require_http_methods(["GET", "POST"])
@agent_required(*SUPERVISOR_ROLES)
def teams(request: HttpRequest) -> HttpResponse:
    """As the head of a service, I set up the field teams and their members."""
    form = _team_form(request, request.POST or None, initial={"is_active": True})
    if request.method == "POST":
        saved = _save_team(request, form, None)
        if saved is not None:
            messages.success(request, f"Équipe « {saved.name} » créée.")
            return redirect("interventions:teams")
    found = list(teams_visible_to_agent(request).select_related("department").prefetch_related("members"))
    return render(
        request,
        "interventions/backoffice/teams.html",
        {"teams": found, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@agent_required(*SUPERVISOR_ROLES)
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_team_for_supervisor(request, pk)
    initial = {
        "name": team.name,
        "department": team.department_id,
        "members": list(team.members.values_list("pk", flat=True)),
        "is_active": team.is_active,
    }
    form = _team_form(request, request.POST or None, initial=initial)
    if request.method == "POST":
        saved = _save_team(request, form, team)
        if saved is not None:
            messages.success(request, f"Équipe « {saved.name} » enregistrée.")
            return redirect("interventions:teams")
    return render(
        request,
        "interventions/backoffice/team_edit.html",
        {"team": team, "form": form},
        status=400 if request.method == "POST" else 200,
    )

"""The call log (/backoffice/appels/): log a call, find the caller, answer from the knowledge base,
turn a call into a case or attach it to one; the list, the statistics and the subjects."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import agent_required, roles_in
from parvis.accounts.enums import Role
from parvis.calls import queries, services
from parvis.calls.access import CALL_ROLES, STATISTICS_ROLES, get_call_for_agent, get_subject_for_admin
from parvis.calls.enums import Outcome
from parvis.calls.forms import (
    AttachForm,
    CallFilterForm,
    CallForm,
    LinkPersonForm,
    PeriodForm,
    SubjectForm,
    ToCaseForm,
)
from parvis.knowledge.enums import Audience
from parvis.knowledge.queries import suggest_articles
from parvis.people.access import may_see_people

CALLS_PER_PAGE = 50


def _org(request: HttpRequest) -> Any:
    return request.organisation  # type: ignore[attr-defined]


def _suggestion_text(organisation: Any, subject_pk: Any, other: str, question: str) -> str:
    label = ""
    if subject_pk and str(subject_pk).isdigit():
        subject = queries.subjects_of(organisation).filter(pk=int(subject_pk)).first()
        label = subject.label if subject else ""
    return " ".join(part for part in (label, other or "", question or "") if part)


@require_http_methods(["GET", "POST"])
@agent_required(*CALL_ROLES)
def log(request: HttpRequest) -> HttpResponse:
    """As an agent at the phone, I log a call in a few keystrokes, with the knowledge base beside.

    Without JavaScript, « Rechercher la personne » and « Chercher dans la base de connaissances »
    redisplay the form with the results (nothing is saved); with htmx, the same results come as
    the agent types.
    """
    organisation = _org(request)
    initial = {}
    preset = request.GET.get("personne", "")
    if request.method == "GET" and preset.isdigit():  # « Enregistrer un appel » from a person's page
        initial["caller_choice"] = f"person-{preset}"
    form = CallForm(request.POST or None, organisation=organisation, initial=initial)
    action = request.POST.get("action", "save")
    found = queries.Found(people=[], accounts=[])
    if request.method == "POST" and action == "save" and form.is_valid():
        data = form.cleaned_data
        try:
            call = services.log_call(
                organisation=organisation,
                caller_name=data.get("caller_name") or "",
                caller_phone=data.get("caller_phone") or "",
                caller_email=data.get("caller_email") or "",
                caller_user=form.caller,
                person=form.person,
                new_person=bool(data.get("new_person")),
                subject=data.get("subject"),
                subject_other=data.get("subject_other") or "",
                question=data.get("question") or "",
                answer=data.get("answer") or "",
                outcome=data["outcome"],
                transferred_to=data.get("transferred_to"),
                duration_minutes=data.get("duration_minutes"),
                actor=request.user,
                request=request,
            )
        except services.CallError as exc:
            if exc.field == "caller_name":  # already known: show who, so the agent picks them
                found = queries.find_people_and_callers(organisation, data.get("caller_name") or "")
            form.add_error(exc.field if exc.field in form.fields and exc.field != "caller_choice" else None, str(exc))
        else:
            messages.success(request, f"Appel de {call.caller_name} enregistré.")
            return redirect("calls:detail", pk=call.pk)
    if request.method == "POST" and action == "find":
        found = queries.find_people_and_callers(organisation, request.POST.get("caller_search", ""))
    suggestions = []
    if request.method == "POST":
        text = _suggestion_text(
            organisation,
            request.POST.get("subject"),
            request.POST.get("subject_other", ""),
            request.POST.get("question", ""),
        )
        suggestions = suggest_articles(organisation, text, Audience.AGENTS, 5)
    chosen_person, chosen = _chosen(request, organisation)
    recent = list(queries.calls_for_organisation(organisation, agent=request.user)[:5])
    refused = request.method == "POST" and action == "save"  # a saved call has redirected
    return render(
        request,
        "calls/backoffice/log.html",
        {
            "form": form,
            "found": found,
            "searched": action == "find" or bool(found),
            "chosen": chosen,
            "chosen_person": chosen_person,
            "suggestions": suggestions,
            "recent": recent,
            "is_admin": Role.ADMIN in roles_in(request),
        },
        status=400 if refused else 200,
    )


def _chosen(request: HttpRequest, organisation: Any) -> tuple[Any, Any]:
    """The person or account already picked (kept checked when the form is shown again)."""
    if request.method == "GET":
        preset = request.GET.get("personne", "")
        return queries.chosen_caller(organisation, f"person-{preset}") if preset.isdigit() else (None, None)
    value = request.POST.get("caller_choice", "")
    if not value and request.POST.get("caller_user", "").isdigit():
        value = f"account-{request.POST['caller_user']}"
    return queries.chosen_caller(organisation, value)


@require_GET
@agent_required(*CALL_ROLES)
def callers(request: HttpRequest) -> HttpResponse:
    """htmx partial: the people matching what the agent typed (scoped to this organisation)."""
    text = request.GET.get("caller_search", "")
    found = queries.find_people_and_callers(_org(request), text)
    return render(request, "calls/includes/callers.html", {"found": found, "searched": bool(text.strip())})


@require_GET
@agent_required(*CALL_ROLES)
def suggestions(request: HttpRequest) -> HttpResponse:
    """htmx partial: knowledge-base articles for the subject being typed."""
    organisation = _org(request)
    text = _suggestion_text(
        organisation, request.GET.get("subject"), request.GET.get("subject_other", ""), request.GET.get("question", "")
    )
    found = suggest_articles(organisation, text, Audience.AGENTS, 5)
    return render(request, "calls/includes/suggestions.html", {"suggestions": found, "searched": bool(text)})


@require_GET
@agent_required(*CALL_ROLES)
def call_list(request: HttpRequest) -> HttpResponse:
    organisation = _org(request)
    form = CallFilterForm(request.GET or None, organisation=organisation)
    filters = form.cleaned_data if form.is_valid() else {}
    found = queries.calls_for_organisation(
        organisation,
        start=filters.get("start"),
        end=filters.get("end"),
        subject=filters.get("subject"),
        outcome=filters.get("outcome") or "",
        agent=filters.get("agent"),
    )
    page = Paginator(found, CALLS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "calls/backoffice/list.html", {"form": form, "page": page, "query": query.urlencode()})


@require_GET
@agent_required(*CALL_ROLES)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_call_for_agent(request, pk)
    organisation = _org(request)
    text = " ".join(part for part in (call.subject_label, call.question) if part)
    return render(
        request,
        "calls/backoffice/detail.html",
        {
            "call": call,
            "may_see_people": may_see_people(request),
            "people_found": [] if call.person_id else queries.people_like_caller(call),
            "to_case_form": ToCaseForm(organisation=organisation),
            "attach_form": AttachForm(),
            "suggestions": suggest_articles(organisation, text, Audience.AGENTS, 5),
        },
    )


@require_POST
@agent_required(*CALL_ROLES)
def to_case(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn the call into a case in one step: the procedure chosen, filed by phone for the caller."""
    call = get_call_for_agent(request, pk)
    form = ToCaseForm(request.POST, organisation=_org(request))
    if not form.is_valid():
        messages.error(request, "Choisissez une démarche proposée par la collectivité.")
        return redirect("calls:detail", pk=call.pk)
    try:
        case = services.turn_call_into_case(
            call=call, procedure=form.cleaned_data["procedure"], actor=request.user, request=request
        )
    except services.CallError as exc:
        messages.error(request, str(exc))
        return redirect("calls:detail", pk=call.pk)
    messages.success(request, f"Demande {case.reference} créée à partir de l'appel. Complétez-la si besoin.")
    from parvis.cases.access import cases_visible_to_agent

    if cases_visible_to_agent(request).filter(pk=case.pk).exists():
        return redirect("cases:detail", reference=case.reference)
    return redirect("calls:detail", pk=call.pk)


@require_POST
@agent_required(*CALL_ROLES)
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach the call to an existing case, given by its reference."""
    from parvis.cases.queries import UNKNOWN_REFERENCE, find_case_for_agent

    call = get_call_for_agent(request, pk)
    form = AttachForm(request.POST)
    case = find_case_for_agent(request, form.data.get("reference", "")) if form.is_valid() else None
    if case is None:
        messages.error(request, UNKNOWN_REFERENCE)
        return redirect("calls:detail", pk=call.pk)
    try:
        services.attach_call_to_case(call=call, case=case, actor=request.user, request=request)
    except services.CallError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Appel rattaché à la demande {case.reference}.")
    return redirect("calls:detail", pk=call.pk)


@require_POST
@agent_required(*CALL_ROLES)
def link_person(request: HttpRequest, pk: int) -> HttpResponse:
    """Link the call to a person's record: one of those found, or one made from the call."""
    call = get_call_for_agent(request, pk)
    form = LinkPersonForm(request.POST)
    person = None
    if form.is_valid() and form.cleaned_data.get("person"):
        person = queries.chosen_caller(_org(request), f"person-{form.cleaned_data['person']}")[0]
        if person is None:
            messages.error(request, "Cette personne n'a pas été trouvée : rechargez la page.")
            return redirect("calls:detail", pk=call.pk)
    try:
        services.link_call_to_person(call=call, person=person, actor=request.user, request=request)
    except services.CallError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Appel rattaché à la fiche de la personne.")
    return redirect("calls:detail", pk=call.pk)


def _period(request: HttpRequest) -> tuple[PeriodForm, Any, Any]:
    start, end = queries.default_period()
    form = PeriodForm(request.GET if "start" in request.GET else None, initial={"start": start, "end": end})
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, start, end


@require_GET
@agent_required(*STATISTICS_ROLES)
def statistics(request: HttpRequest) -> HttpResponse:
    """As an agent or an elected official, I see the calls of a period by subject and outcome."""
    form, start, end = _period(request)
    stats = queries.call_statistics(_org(request), start, end)
    return render(
        request,
        "calls/backoffice/statistics.html",
        {"form": form, "stats": stats, "csv_query": f"start={start.isoformat()}&end={end.isoformat()}"},
    )


@require_GET
@agent_required(*STATISTICS_ROLES)
def statistics_csv(request: HttpRequest) -> HttpResponse:
    _, start, end = _period(request)
    stats = queries.call_statistics(_org(request), start, end)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appels-{start.isoformat()}-{end.isoformat()}.csv"'
    response.write("\ufeff")  # Excel reads the accents as UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["Sujet", *Outcome.labels, "Total", "Durée totale (minutes)"])
    for row in [*stats.rows, stats.totals]:
        writer.writerow([row.label, *row.cells(), row.total, row.minutes])
    return response


@require_http_methods(["GET", "POST"])
@agent_required(Role.ADMIN)
def subjects(request: HttpRequest) -> HttpResponse:
    """As an administrator, I set the subjects agents choose from (« Autre » is always offered)."""
    organisation = _org(request)
    form = SubjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_subject(
                organisation=organisation, label=form.cleaned_data["label"], actor=request.user, request=request
            )
        except services.CallError as exc:
            form.add_error("label", str(exc))
        else:
            messages.success(request, "Sujet ajouté.")
            return redirect("calls:subjects")
    return render(
        request,
        "calls/backoffice/subjects.html",
        {"form": form, "subjects": list(queries.subjects_of(organisation, active_only=False))},
    )


@require_POST
@agent_required()  # the access check answers 404 for another's subject, then 403 without the role
def subject_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_subject_for_admin(request, pk)
    services.set_subject_active(subject=subject, active=not subject.is_active, actor=request.user, request=request)
    messages.success(
        request, f"Sujet « {subject.label} » " + ("proposé." if subject.is_active else "retiré de la liste.")
    )
    return redirect("calls:subjects")


@require_POST
@agent_required(Role.ADMIN)
def subjects_defaults(request: HttpRequest) -> HttpResponse:
    added = services.add_default_subjects(organisation=_org(request), actor=request.user, request=request)
    messages.success(request, f"{added} sujet{'s' if added > 1 else ''} ajouté{'s' if added > 1 else ''}.")
    return redirect("calls:subjects")

"""The counter's desk (/backoffice/guichet/): find or create the person, choose the démarche and the
channel, or continue a draft from its resume code."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from parvis.accounts.access import agent_required
from parvis.cases import drafts as draft_services
from parvis.cases.models import Draft
from parvis.counter import services
from parvis.counter.access import COUNTER_ROLES
from parvis.counter.forms import CodeForm, StartForm, TakeOverForm
from parvis.counter.models import AssistedFiling
from parvis.people import queries as people_queries
from parvis.people.access import get_person_for_agent
from parvis.people.forms import PersonSearchForm
from parvis.people.models import Person
from parvis.people.services import person_for_user
from parvis.procedures.queries import available_procedures, draft_by_resume_code

RECENT = 10


def _org(request: HttpRequest) -> Any:
    return request.organisation  # type: ignore[attr-defined]


@require_GET
@agent_required(*COUNTER_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    """As a counter agent, I find the person in front of me (or create their record), or take the
    resume code of a draft they started online."""
    organisation = _org(request)
    chosen = request.GET.get("person", "")
    if chosen.isdigit():  # back from « Créer une fiche »: straight to the new record's counter page
        return redirect("counter:person", pk=get_person_for_agent(request, int(chosen)).pk)
    form = PersonSearchForm(request.GET or None)
    text = form.cleaned_data.get("q", "") if form.is_valid() else ""
    results = people_queries.search_persons(organisation, text) if text else []
    in_progress = list(
        AssistedFiling.objects.filter(
            organisation=organisation,
            agent=request.user,  # type: ignore[misc]
            case__isnull=True,
            draft__submitted_case__isnull=True,
        )
        .select_related("person", "draft__procedure")
        .order_by("-updated_at")[:RECENT]
    )
    return render(
        request,
        "counter/home.html",
        {
            "form": form,
            "text": text,
            "results": results,
            "limit": people_queries.SEARCH_LIMIT,
            "code_form": CodeForm(),
            "in_progress": in_progress,
            "new_person_url": reverse("people:new") + "?" + urlencode({"q": text, "next": reverse("counter:home")}),
        },
    )


def _open_drafts(person: Person) -> list[Draft]:
    """Unsent drafts of this person: those of their account and those begun for them at the counter."""
    from django.db.models import Q

    condition = Q(assisted_filing__person=person)
    if person.user_id:
        condition |= Q(user_id=person.user_id)
    return list(
        Draft.objects.filter(condition, organisation=person.organisation, submitted_case__isnull=True)
        .select_related("procedure")
        .distinct()
        .order_by("-updated_at")[:RECENT]
    )


@require_http_methods(["GET", "POST"])
@agent_required(*COUNTER_ROLES)
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """As a counter agent, I start any démarche for this person, through the channel they used."""
    organisation = _org(request)
    person = get_person_for_agent(request, pk)
    if person.merged_into_id:
        return redirect("counter:person", pk=person.merged_into_id)
    procedures = list(available_procedures(organisation).only("pk", "title", "slug"))
    form = StartForm(request.POST or None, procedures=procedures)
    if request.method == "POST" and form.is_valid():
        try:
            filing = services.start_filing(
                organisation=organisation,
                person=person,
                procedure=form.chosen_procedure(),
                channel=form.cleaned_data["channel"],
                actor=request.user,
                request=request,
            )
        except services.CounterError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            return redirect("counter:fill", pk=filing.pk)
    drafts = _open_drafts(person)
    for draft in drafts:
        draft.resume_code_display = draft_services.format_resume_code(draft.resume_code)  # type: ignore[attr-defined]
    return render(
        request,
        "counter/person.html",
        {"person": person, "form": form, "drafts": drafts},
        status=400 if request.method == "POST" else 200,
    )


def _person_param(request: HttpRequest) -> Person | None:
    raw = request.POST.get("person") or request.GET.get("person") or ""
    return get_person_for_agent(request, int(raw)) if raw.isdigit() else None


@require_http_methods(["GET", "POST"])
@agent_required(*COUNTER_ROLES)
def resume(request: HttpRequest) -> HttpResponse:
    """As a counter agent, I type the code of the draft the resident started online (or scan its QR
    code, which opens this page with the code), choose whose record it is, and continue that same draft."""
    organisation = _org(request)
    data = request.POST if request.method == "POST" else (request.GET if "code" in request.GET else None)
    code_form = CodeForm(data)
    draft: Draft | None = None
    status = 200
    if code_form.is_bound and code_form.is_valid():
        code = draft_services.normalise_resume_code(code_form.cleaned_data["code"])
        draft = draft_by_resume_code(organisation, code) if len(code) >= draft_services.RESUME_CODE_LENGTH else None
        if draft is None:
            code_form.add_error(
                "code",
                "Aucun brouillon en cours ne correspond à ce code dans cette collectivité. "
                "Vérifiez les 8 caractères (lettres et chiffres).",
            )
    if code_form.is_bound and code_form.errors:
        status = 400
    chosen = _person_param(request)
    account_owner = None
    if draft is not None and draft.user_id:
        account_owner = draft.user
        chosen = None  # the draft is the account's: its holder's record, whatever was picked
    take_form = TakeOverForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and draft is not None and take_form.is_valid():
        if account_owner is not None:
            chosen = person_for_user(organisation=organisation, user=account_owner, actor=request.user, request=request)
        if chosen is None:
            messages.error(request, "Choisissez d'abord la fiche de la personne, ou créez-la.")
            status = 400
        else:
            try:
                filing = services.take_over_draft(
                    draft=draft,
                    person=chosen,
                    channel=take_form.cleaned_data["channel"],
                    actor=request.user,
                    request=request,
                )
            except services.CounterError as error:
                take_form.add_error(None, str(error))
                status = 400
            else:
                messages.success(
                    request, f"Vous poursuivez le brouillon « {draft.procedure.title} » de {chosen.full_name}."
                )
                return redirect("counter:fill", pk=filing.pk)
    elif request.method == "POST" and draft is not None:
        status = 400
    search_form = PersonSearchForm(request.GET if "q" in request.GET else None)
    text = search_form.cleaned_data.get("q", "") if search_form.is_valid() else ""
    results = people_queries.search_persons(organisation, text) if text and draft is not None else []
    here = ""
    if draft is not None:
        here = (
            reverse("counter:resume") + "?" + urlencode({"code": draft_services.format_resume_code(draft.resume_code)})
        )
    return render(
        request,
        "counter/resume.html",
        {
            "code_form": code_form,
            "draft": draft,
            "resume_code": draft_services.format_resume_code(draft.resume_code) if draft else "",
            "account_owner": account_owner,
            "chosen": chosen,
            "take_form": take_form,
            "search_form": search_form,
            "text": text,
            "results": results,
            "limit": people_queries.SEARCH_LIMIT,
            "here": here,
            "new_person_url": reverse("people:new") + "?" + urlencode({"next": here}) if here else "",
            "pages_answered": len(draft.answers) if draft else 0,
        },
        status=status,
    )

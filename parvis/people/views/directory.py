"""The people directory (/backoffice/personnes/): find a resident, record a light identity,
correct a record, merge two records of the same person."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from parvis.accounts.access import agent_required
from parvis.people import queries, services
from parvis.people.access import PEOPLE_ROLES, get_person_for_agent
from parvis.people.forms import MergeForm, PersonForm, PersonSearchForm
from parvis.people.models import Person


def _org(request: HttpRequest) -> Any:
    return request.organisation  # type: ignore[attr-defined]


def _next_url(request: HttpRequest) -> str:
    """Where to go once a person is chosen or created (the counter), when it is a page of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


def _with_person(url: str, person: Person) -> str:
    return url + ("&" if "?" in url else "?") + urlencode({"person": person.pk})


@require_GET
@agent_required(*PEOPLE_ROLES)
def search(request: HttpRequest) -> HttpResponse:
    """As an agent, I find a resident from whatever they tell me: name, birth date, phone, reference..."""
    form = PersonSearchForm(request.GET or None)
    text = form.cleaned_data.get("q", "") if form.is_valid() else ""
    results = queries.search_persons(_org(request), text) if text else []
    return render(
        request,
        "people/search.html",
        {
            "form": form,
            "text": text,
            "results": results,
            "limit": queries.SEARCH_LIMIT,
            "next": _next_url(request),
            "new_url": reverse("people:new") + ("?" + urlencode({"q": text}) if text else ""),
        },
    )


def _initial_from_search(text: str) -> dict[str, Any]:
    """« Dupont Marie » typed in the search box becomes the name of the new record."""
    words = [w for w in (text or "").split() if w.isalpha() or "-" in w]
    if not words:
        return {}
    return {"last_name": words[0], "first_name": " ".join(words[1:])}


@require_http_methods(["GET", "POST"])
@agent_required(*PEOPLE_ROLES)
def new(request: HttpRequest) -> HttpResponse:
    """As a counter agent, I record someone without an account (a light identity).

    If the commune already knows them (same email, or same name with the same birth date or phone),
    the matches are shown and I pick one instead: no duplicate when the same resident comes back.
    """
    organisation = _org(request)
    form = PersonForm(request.POST or None, initial=_initial_from_search(request.GET.get("q", "")))
    matches: list[Person] = []
    next_url = _next_url(request)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        allow = bool(form.cleaned_data.get("allow_duplicate"))
        matches = [] if allow else queries.possible_duplicates(organisation=organisation, **values)
        if not matches:
            try:
                person = services.create_person(
                    organisation=organisation,
                    actor=request.user,
                    request=request,
                    allow_duplicate=allow,
                    **values,
                )
            except services.PersonError as error:
                form.add_error(error.field, str(error))
            else:
                messages.success(request, f"La fiche de {person.full_name} est créée.")
                if next_url:
                    return HttpResponseRedirect(_with_person(next_url, person))
                return redirect("people:detail", pk=person.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "people/new.html",
        {
            "form": form,
            "matches": matches,
            "next": next_url,
            "pick_urls": {
                m.pk: _with_person(next_url, m) if next_url else reverse("people:detail", args=[m.pk]) for m in matches
            },
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@agent_required()
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """As an agent, I correct a record (a new phone number, a misspelt name)."""
    person = get_person_for_agent(request, pk)
    if person.merged_into_id:
        messages.info(request, f"Cette fiche a été fusionnée dans celle de {person.merged_into}.")
        return redirect("people:edit", pk=person.merged_into_id)
    initial = {key: getattr(person, key) for key in services.FIELDS}
    form = PersonForm(request.POST or None, initial=initial, duplicate_check=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(person=person, actor=request.user, request=request, **form.values())
        except services.PersonError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, f"La fiche de {person.full_name} est enregistrée.")
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/edit.html",
        {"person": person, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _holdings(person: Person) -> list[tuple[str, int]]:
    """What is attached to a record (cases, calls, letters...), to show what a merge moves."""
    rows = []
    for field in services._person_foreign_keys():
        count = field.model._default_manager.filter(**{field.name: person}).count()
        if count:
            rows.append((str(field.model._meta.verbose_name_plural), count))
    return rows


@require_http_methods(["GET", "POST"])
@agent_required()
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    """As an agent, I merge a duplicate into this record: its cases, calls and letters move here,
    the duplicate stays in the history, marked as merged."""
    person = get_person_for_agent(request, pk)
    if person.merged_into_id:
        messages.info(request, f"Cette fiche a déjà été fusionnée dans celle de {person.merged_into}.")
        return redirect("people:merge", pk=person.merged_into_id)
    organisation = _org(request)
    search_form = PersonSearchForm(request.GET or None)
    text = search_form.cleaned_data.get("q", "") if search_form.is_valid() else ""
    candidates = [p for p in queries.search_persons(organisation, text) if p.pk != person.pk] if text else []
    suggestions = [
        p
        for p in queries.possible_duplicates(
            organisation=organisation,
            **{k: getattr(person, k) for k in ("last_name", "first_name", "birth_date", "email", "phone")},
        )
        if p.pk != person.pk
    ]
    duplicate = None
    form = None
    raw = request.POST.get("duplicate") or request.GET.get("duplicate")
    if raw and str(raw).isdigit():
        duplicate = get_person_for_agent(request, int(raw))
        if duplicate.pk == person.pk or duplicate.merged_into_id:
            duplicate = None
            messages.error(request, "Choisissez une autre fiche, qui n'a pas déjà été fusionnée.")
        else:
            form = MergeForm(request.POST if request.method == "POST" else None, initial={"duplicate": duplicate.pk})
    if request.method == "POST" and form is not None and duplicate is not None and form.is_valid():
        try:
            services.merge_persons(keep=person, duplicate=duplicate, actor=request.user, request=request)
        except services.PersonError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"La fiche en double de {duplicate.full_name} est fusionnée dans celle-ci : "
                "tout son historique y est rattaché.",
            )
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/merge.html",
        {
            "person": person,
            "search_form": search_form,
            "text": text,
            "candidates": candidates,
            "suggestions": suggestions,
            "duplicate": duplicate,
            "form": form,
            "person_holdings": _holdings(person) if duplicate else [],
            "duplicate_holdings": _holdings(duplicate) if duplicate else [],
        },
        status=400 if request.method == "POST" else 200,
    )

"""The public catalogue of démarches and each procedure's page, readable without an account."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from parvis.accounts.access import organisation_required
from parvis.procedures import queries
from parvis.procedures.forms import CatalogueSearchForm


@require_GET
@organisation_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """As a resident, I find a démarche by theme or by typing a few words."""
    form = CatalogueSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    procedures = queries.search_catalogue(request.organisation, query)  # type: ignore[attr-defined]
    return render(
        request,
        "procedures/citizen/catalogue.html",
        {"form": form, "query": query, "themes": queries.group_by_theme(procedures), "count": len(procedures)},
    )


@require_GET
@organisation_required
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    """As a resident, before starting, I know who may apply, what to provide, the cost and the delay."""
    procedure = queries.get_procedure_for_citizen(request, slug)
    info = queries.procedure_info(procedure, request.organisation)  # type: ignore[attr-defined]
    drafts = []
    if request.user.is_authenticated:
        drafts = [d for d in queries.drafts_of_user(request) if d.procedure_id == procedure.pk]
    return render(request, "procedures/citizen/detail.html", {"procedure": procedure, "info": info, "drafts": drafts})

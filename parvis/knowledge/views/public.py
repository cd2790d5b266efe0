"""Residents' help pages: /aide/ (search and themes) and /aide/<slug>/."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from parvis.accounts.access import organisation_required
from parvis.knowledge import queries
from parvis.knowledge.access import get_article_for_citizen
from parvis.knowledge.forms import SearchForm


@require_GET
@organisation_required
def help_home(request: HttpRequest) -> HttpResponse:
    """As a resident, I find an answer by typing a few words or by browsing the themes."""
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    articles = queries.search_articles(queries.articles_for_citizens(request.organisation), query)  # type: ignore[attr-defined]
    return render(
        request,
        "knowledge/citizen/home.html",
        {
            "form": form,
            "query": query,
            "articles": articles,
            "themes": queries.group_by_theme(articles) if not query else [],
        },
    )


@require_GET
@organisation_required
def article(request: HttpRequest, slug: str) -> HttpResponse:
    """As a resident, I read an answer, with the démarches it is about."""
    found = get_article_for_citizen(request, slug)
    from parvis.procedures.queries import available_procedures

    procedures = list(
        available_procedures(request.organisation)  # type: ignore[attr-defined]
        .filter(knowledge_articles=found)
        .only("slug", "title")
    )
    return render(request, "knowledge/citizen/article.html", {"article": found, "procedures": procedures})

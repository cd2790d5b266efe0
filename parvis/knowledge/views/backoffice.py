"""Agents' knowledge base (/backoffice/aide/): every audience for agents; writing for administrators."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import agent_required, roles_in
from parvis.accounts.enums import Role
from parvis.knowledge import queries, services
from parvis.knowledge.access import get_article_for_admin, get_article_for_agent
from parvis.knowledge.forms import ArticleForm, HideForm, SearchForm


def _org(request: HttpRequest) -> Any:
    return request.organisation  # type: ignore[attr-defined]


@require_GET
@agent_required()
def article_list(request: HttpRequest) -> HttpResponse:
    """As an agent, I search every answer, agents-only ones included; administrators also see drafts."""
    organisation = _org(request)
    is_admin = Role.ADMIN in roles_in(request)
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    base = queries.articles_for_admin(organisation) if is_admin else queries.articles_for_agents(organisation)
    articles = queries.search_articles(base, query)
    return render(
        request,
        "knowledge/backoffice/list.html",
        {"form": form, "query": query, "articles": articles, "is_admin": is_admin},
    )


@require_GET
@agent_required()
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_article_for_agent(request, pk)
    is_admin = Role.ADMIN in roles_in(request)
    procedures = list(found.procedures.only("slug", "title"))
    return render(
        request,
        "knowledge/backoffice/detail.html",
        {
            "article": found,
            "procedures": procedures,
            "can_edit": is_admin and found.organisation_id == _org(request).pk,
        },
    )


@require_http_methods(["GET", "POST"])
@agent_required(Role.ADMIN)
def article_new(request: HttpRequest) -> HttpResponse:
    organisation = _org(request)
    form = ArticleForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.create_article(
                organisation=organisation,
                title=data["title"],
                slug=data.get("slug") or "",
                summary=data.get("summary") or "",
                body=data["body"],
                theme=data["theme"],
                tags=data.get("tags") or "",
                audience=data["audience"],
                status=data["status"],
                procedures=data.get("procedures") or [],
                actor=request.user,
                request=request,
            )
        except services.KnowledgeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Article « {created.title} » enregistré.")
            return redirect("knowledge:backoffice_detail", pk=created.pk)
    return render(request, "knowledge/backoffice/edit.html", {"form": form, "article": None})


@require_http_methods(["GET", "POST"])
@agent_required()  # the access check answers 404 for another's article, then 403 without the role
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_article_for_admin(request, pk)
    form = ArticleForm(
        request.POST or None,
        instance=found,
        organisation=_org(request),
        initial={"procedures": list(found.procedures.values_list("pk", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_article(
                article=found,
                data={field: data.get(field) or "" for field in (*services.EDITABLE_FIELDS, "slug")},
                procedures=data.get("procedures") or [],
                actor=request.user,
                request=request,
            )
        except services.KnowledgeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Article mis à jour.")
            return redirect("knowledge:backoffice_detail", pk=found.pk)
    return render(request, "knowledge/backoffice/edit.html", {"form": form, "article": found})


@require_POST
@agent_required()  # the access check answers 404 for another's article, then 403 without the role
def article_delete(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_article_for_admin(request, pk)
    title = found.title
    services.delete_article(article=found, actor=request.user, request=request)
    messages.success(request, f"Article « {title} » supprimé.")
    return redirect("knowledge:backoffice_list")


@require_POST
@agent_required()  # the access check answers 404 for another's article, then 403 without the role
def article_hide(request: HttpRequest, pk: int) -> HttpResponse:
    """A commune's administrator hides one of the EPCI's articles here, or shows it again."""
    found = get_article_for_admin(request, pk, own=False)
    form = HideForm(request.POST)
    hidden = form.is_valid() and form.cleaned_data["hidden"]
    try:
        services.set_article_hidden(
            organisation=_org(request), article=found, hidden=hidden, actor=request.user, request=request
        )
    except services.KnowledgeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Article « {found.title} » " + ("masqué dans la commune." if hidden else "de nouveau affiché.")
        )
    return redirect("knowledge:backoffice_list")

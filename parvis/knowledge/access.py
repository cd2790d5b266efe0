"""The gates for articles taken from a URL (404 for other tenants' articles)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from parvis.accounts.access import roles_in
from parvis.accounts.enums import Role
from parvis.knowledge.models import Article
from parvis.knowledge.queries import articles_for_admin, articles_for_agents, articles_for_citizens
from parvis.organisations.models import Organisation


def _organisation(request: HttpRequest) -> Organisation:
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        raise Http404("Aucune collectivité n'est servie à cette adresse.")
    return organisation


def get_article_for_citizen(request: HttpRequest, slug: str) -> Article:
    """A published residents' article offered here (the organisation's own before its EPCI's)."""
    organisation = _organisation(request)
    candidates = list(articles_for_citizens(organisation).filter(slug=slug).select_related("organisation"))
    if not candidates:
        raise Http404("Cet article n'existe pas ou n'est pas publié ici.")
    candidates.sort(key=lambda a: a.organisation_id != organisation.pk)
    return candidates[0]


def get_article_for_agent(request: HttpRequest, pk: int) -> Article:
    """An article agents of this organisation read (any audience; drafts for administrators)."""
    organisation = _organisation(request)
    include_drafts = Role.ADMIN in roles_in(request)
    article = (
        articles_for_agents(organisation, include_drafts=include_drafts)
        .select_related("organisation", "updated_by")
        .filter(pk=pk)
        .first()
    )
    if article is None:
        raise Http404("Article introuvable.")
    return article


def get_article_for_admin(request: HttpRequest, pk: int, *, own: bool = True) -> Article:
    """An article the administrators manage here: ``own`` the organisation's (to edit or delete),
    otherwise one of its EPCI's shared articles (to hide or show)."""
    organisation = _organisation(request)
    articles = articles_for_admin(organisation).filter(pk=pk)
    if own:
        articles = articles.filter(organisation=organisation)
    else:
        articles = articles.exclude(organisation=organisation)
    article = articles.select_related("organisation").first()
    if article is None:
        raise Http404("Article introuvable.")
    if Role.ADMIN not in roles_in(request):  # the object first (404 for another's), then the role (403)
        raise PermissionDenied("Seuls les administrateurs de la collectivité peuvent faire cela.")
    return article

"""Reading articles as residents and agents see them (scoped to the organisation and its EPCI)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from parvis.knowledge.enums import PUBLIC_AUDIENCES, ArticleStatus, Audience
from parvis.knowledge.models import Article, ArticleHiding
from parvis.knowledge.search import rank_in_python, search
from parvis.organisations.models import Organisation
from parvis.procedures.enums import Theme

LIST_FIELDS = ("pk", "slug", "title", "summary", "theme", "audience", "status", "organisation_id", "updated_at")


def _owners(organisation: Organisation) -> Q:
    owners = Q(organisation=organisation)
    if organisation.parent_id:
        owners |= Q(organisation_id=organisation.parent_id)
    return owners


def _not_hidden(organisation: Organisation) -> Q:
    hidden = ArticleHiding.objects.filter(organisation=organisation, article=OuterRef("pk"))
    return ~Q(Exists(hidden))


def articles_for_citizens(organisation: Organisation) -> QuerySet[Article]:
    """Published articles for residents here: the organisation's own and its EPCI's, unless hidden."""
    return Article.objects.filter(
        _owners(organisation),
        _not_hidden(organisation),
        status=ArticleStatus.PUBLISHED,
        audience__in=PUBLIC_AUDIENCES,
    ).order_by("title")


def articles_for_agents(organisation: Organisation, *, include_drafts: bool = False) -> QuerySet[Article]:
    """Articles agents read here: every audience; drafts too for the administrators' list."""
    articles = Article.objects.filter(_owners(organisation), _not_hidden(organisation))
    if not include_drafts:
        articles = articles.filter(status=ArticleStatus.PUBLISHED)
    return articles.order_by("title")


def articles_for_admin(organisation: Organisation) -> QuerySet[Article]:
    """What the administrators manage here: the organisation's articles, drafts included, and its EPCI's
    published ones (hidden or not, so that they can be shown again)."""
    owners = Q(organisation=organisation)
    if organisation.parent_id:
        owners |= Q(organisation_id=organisation.parent_id, status=ArticleStatus.PUBLISHED)
    hidden = ArticleHiding.objects.filter(organisation=organisation, article=OuterRef("pk"))
    return Article.objects.filter(owners).annotate(is_hidden_here=Exists(hidden)).order_by("title")


def search_articles(articles: QuerySet[Article], text: str) -> list[Article]:
    """Every word of ``text`` must match (accents, case and plurals ignored), best first."""
    found = list(search(articles.only(*LIST_FIELDS, "search_text"), text, match_all=True))
    return rank_in_python(found, text) if text.strip() else found


def suggest_articles(
    organisation: Organisation, text: str, audience: str = Audience.AGENTS, limit: int = 5
) -> list[Article]:
    """Articles answering ``text`` (a call's or a case's subject): any word may match, best first.

    ``audience`` is who will read them: ``Audience.AGENTS`` sees every published article,
    ``Audience.CITIZENS`` only those for residents.
    """
    if not text or not text.strip():
        return []
    base = articles_for_agents(organisation) if audience == Audience.AGENTS else articles_for_citizens(organisation)
    found = list(search(base.only(*LIST_FIELDS, "search_text"), text, match_all=False)[:200])
    return rank_in_python(found, text)[:limit]


def group_by_theme(articles: list[Article]) -> list[tuple[str, str, list[Article]]]:
    by_theme: dict[str, list[Article]] = {}
    for article in articles:
        by_theme.setdefault(article.theme, []).append(article)
    return [(value, label, by_theme[value]) for value, label in Theme.choices if value in by_theme]


def articles_for_procedure(organisation: Organisation, procedure_id: int) -> list[Article]:
    """The residents' articles linked to a procedure, shown on its public page."""
    return list(articles_for_citizens(organisation).filter(procedures=procedure_id).only(*LIST_FIELDS))

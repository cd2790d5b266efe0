"""Writing knowledge-base articles: create, update, delete, and a commune hiding its EPCI's articles."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.text import slugify

from parvis.audit.services import record_event
from parvis.knowledge.enums import ArticleStatus, Audience
from parvis.knowledge.models import Article, ArticleHiding
from parvis.lib.text import fold, search_document
from parvis.organisations.models import Organisation
from parvis.procedures.enums import Theme
from parvis.procedures.models import Procedure

EDITABLE_FIELDS = ("title", "summary", "body", "theme", "tags", "audience", "status")


class KnowledgeError(Exception):
    """A refusal to show the administrator as is (French)."""


def _refresh_search(article: Article) -> None:
    theme = dict(Theme.choices).get(article.theme, "")
    article.search_text = search_document(article.title, article.summary, article.tags, theme, article.body)
    article.search_plain = fold(" ".join([article.title, article.summary, article.tags, theme, article.body]))


def _snapshot(article: Article) -> dict[str, Any]:
    return {field: getattr(article, field) for field in ("slug", "title", "theme", "audience", "status", "tags")}


def _check_procedures(organisation: Organisation, procedures: Iterable[Procedure]) -> list[Procedure]:
    chosen = list(procedures)
    allowed = {organisation.pk, organisation.parent_id}
    if any(p.organisation_id not in allowed for p in chosen):
        raise KnowledgeError("Une démarche choisie n'appartient pas à cette collectivité.")
    return chosen


def _unique_slug(organisation: Organisation, title: str, slug: str = "") -> str:
    base = slugify(slug or title)[:90] or "article"
    candidate, n = base, 2
    while Article.objects.filter(organisation=organisation, slug=candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


@transaction.atomic
def create_article(
    *,
    organisation: Organisation,
    title: str,
    body: str,
    theme: str,
    summary: str = "",
    tags: str = "",
    audience: str = Audience.BOTH,
    status: str = ArticleStatus.DRAFT,
    slug: str = "",
    procedures: Iterable[Procedure] = (),
    actor: Any,
    request: HttpRequest | None = None,
) -> Article:
    if audience not in Audience.values or status not in ArticleStatus.values or theme not in Theme.values:
        raise KnowledgeError("Public, état ou thème inconnu.")
    linked = _check_procedures(organisation, procedures)
    article = Article(
        organisation=organisation,
        slug=_unique_slug(organisation, title, slug),
        title=title.strip(),
        summary=summary.strip(),
        body=body.strip(),
        theme=theme,
        tags=tags.strip(),
        audience=audience,
        status=status,
        updated_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _refresh_search(article)
    article.save()
    article.procedures.set(linked)
    record_event(
        action="knowledge.article_created",
        actor=actor,
        organisation=organisation,
        obj=article,
        after=_snapshot(article),
        request=request,
    )
    return article


@transaction.atomic
def update_article(
    *,
    article: Article,
    data: dict[str, Any],
    procedures: Iterable[Procedure] | None = None,
    actor: Any,
    request: HttpRequest | None = None,
) -> Article:
    before = _snapshot(article)
    for field in EDITABLE_FIELDS:
        if field in data:
            value = data[field]
            setattr(article, field, value.strip() if isinstance(value, str) else value)
    if article.audience not in Audience.values or article.status not in ArticleStatus.values:
        raise KnowledgeError("Public ou état inconnu.")
    if "slug" in data and data["slug"] and data["slug"] != article.slug:
        slug = slugify(data["slug"])[:100]
        if Article.objects.filter(organisation=article.organisation, slug=slug).exclude(pk=article.pk).exists():
            raise KnowledgeError("Un autre article utilise déjà cet identifiant.")
        article.slug = slug
    article.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    _refresh_search(article)
    article.save()
    if procedures is not None:
        article.procedures.set(_check_procedures(article.organisation, procedures))
    record_event(
        action="knowledge.article_updated",
        actor=actor,
        organisation=article.organisation,
        obj=article,
        before=before,
        after=_snapshot(article),
        request=request,
    )
    return article


@transaction.atomic
def delete_article(*, article: Article, actor: Any, request: HttpRequest | None = None) -> None:
    record_event(
        action="knowledge.article_deleted",
        actor=actor,
        organisation=article.organisation,
        obj=article,
        before=_snapshot(article),
        request=request,
    )
    article.delete()


@transaction.atomic
def set_article_hidden(
    *, organisation: Organisation, article: Article, hidden: bool, actor: Any, request: HttpRequest | None = None
) -> None:
    """A commune hides (or shows again) one of its EPCI's articles."""
    if article.organisation_id != organisation.parent_id or organisation.parent_id is None:
        raise KnowledgeError("Seuls les articles de l'intercommunalité peuvent être masqués.")
    if hidden:
        try:
            with transaction.atomic():
                ArticleHiding.objects.get_or_create(organisation=organisation, article=article)
        except IntegrityError:  # a concurrent click
            pass
    else:
        ArticleHiding.objects.filter(organisation=organisation, article=article).delete()
    record_event(
        action="knowledge.article_hidden" if hidden else "knowledge.article_shown",
        actor=actor,
        organisation=organisation,
        obj=article,
        after={"hidden": hidden},
        request=request,
    )

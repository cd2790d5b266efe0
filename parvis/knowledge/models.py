"""Knowledge-base articles: written by an organisation, shared by an EPCI with its communes.

A commune hides one of its EPCI's articles with an ``ArticleHiding`` row. ``search_text`` holds
the folded and stemmed text for the portable search (SQLite); ``search_plain`` the folded text
(no accents, lower case) that PostgreSQL's French full-text search indexes (functional GIN index,
migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from parvis.knowledge.enums import ArticleStatus, Audience
from parvis.procedures.enums import Theme


class Article(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="knowledge_articles"
    )
    slug = models.SlugField("identifiant dans l'adresse", max_length=100)
    title = models.CharField("titre", max_length=200)
    summary = models.CharField("résumé", max_length=300, blank=True)
    body = models.TextField(
        "texte",
        help_text="Texte simple : une ligne vide entre deux paragraphes ; « - » en début de ligne pour une liste.",
    )
    theme = models.CharField("thème", max_length=30, choices=Theme.choices)
    tags = models.CharField("mots-clés", max_length=300, blank=True, help_text="Séparés par des virgules.")
    audience = models.CharField("public", max_length=10, choices=Audience.choices, default=Audience.BOTH)
    status = models.CharField("état", max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    procedures = models.ManyToManyField(
        "procedures.Procedure", verbose_name="démarches liées", blank=True, related_name="knowledge_articles"
    )
    search_text = models.TextField(editable=False, default="")
    search_plain = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "article d'aide"
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["organisation", "slug"], name="knowledge_slug_per_org")]
        indexes = [models.Index(fields=["organisation", "status", "audience"], name="knowledge_org_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]


class ArticleHiding(models.Model):
    """A commune's choice not to show one of its EPCI's articles."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="hidings")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "article intercommunal masqué"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "article"], name="knowledge_hiding_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.article} masqué à {self.organisation}"

"""French search over articles: PostgreSQL full-text search, or the portable fallback on SQLite.

Both sides are folded first (lower case, no accents), so « état civil » finds « Etat-civil » and
the reverse. On PostgreSQL the ``french`` configuration stems the words (« passeports » →
« passeport », « encombrants » → « encombr ») and a functional GIN index on
``to_tsvector('french', search_plain)`` answers (migration 0002). Elsewhere ``search_text`` holds
the words stemmed by ``parvis.lib.text`` and each term is matched at the start of a word.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

from parvis.knowledge.models import Article
from parvis.lib.text import fold, search_terms

_WORD = re.compile(r"[a-z0-9]+")
# Words too common to help (folded): they are left out of queries on both databases.
STOP_WORDS = {
    "le", "la", "les", "de", "des", "du", "un", "une", "et", "a", "au", "aux", "en", "d", "l", "pour", "sur",
    "je", "j", "il", "elle", "on", "nous", "vous", "mon", "ma", "mes", "son", "sa", "ses", "qu", "que", "qui",
    "est", "ce", "c", "s", "n", "ne", "pas", "y", "dans", "par", "avec",
}  # fmt: skip

SEARCH_VECTOR = SearchVector("search_plain", config="french")


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def query_words(text: str) -> list[str]:
    """The folded words of a query, common words left out, each once, in order."""
    words: list[str] = []
    for word in _WORD.findall(fold(text or "")):
        if word not in STOP_WORDS and word not in words:
            words.append(word)
    return words[:12]


def search(articles: QuerySet[Article], text: str, *, match_all: bool = True) -> QuerySet[Article]:
    """``articles`` matching ``text``, best first. ``match_all``: every word (a search box), or any
    word (suggestions from a call's subject)."""
    words = query_words(text)
    if not words:
        return articles
    if uses_full_text():
        query = SearchQuery(words[0], config="french", search_type="plain")
        for word in words[1:]:
            other = SearchQuery(word, config="french", search_type="plain")
            query = (query & other) if match_all else (query | other)
        return (
            articles.annotate(search_vector=SEARCH_VECTOR, rank=SearchRank(SEARCH_VECTOR, query))
            .filter(search_vector=query)
            .order_by("-rank", "title")
        )
    terms = [term for word in words for term in search_terms(word)]
    conditions = [Q(search_text__contains=f" {term}") for term in terms]
    if match_all:
        for condition in conditions:
            articles = articles.filter(condition)
        return articles
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return articles.filter(combined)


def rank_in_python(articles: list[Article], text: str) -> list[Article]:
    """The SQLite fallback's ranking: articles matching more terms first (title matches count double)."""
    if uses_full_text():
        return articles
    terms = [term for word in query_words(text) for term in search_terms(word)]

    def score(article: Article) -> tuple[int, str]:
        title = " " + " ".join(search_terms(article.title)) + " "
        points = sum(1 for t in terms if f" {t}" in article.search_text) + sum(1 for t in terms if f" {t}" in title)
        return (-points, article.title)

    return sorted(articles, key=score)

"""French search: accents, case and plurals ignored, on SQLite (fallback) and PostgreSQL (full text)."""

import pytest
from django.db import connection

from parvis.knowledge.enums import Audience
from parvis.knowledge.queries import articles_for_citizens, search_articles, suggest_articles
from tests.knowledge.helpers import article


@pytest.fixture
def articles(territory):
    org = territory.commune_a
    return {
        "passeport": article(
            org,
            "Carte d'identité et passeport",
            body="Les demandes de passeports se font sur rendez-vous.",
            theme="citoyennete",
        ),
        "encombrants": article(
            org,
            "Collecte des encombrants",
            body="Les déchets volumineux sont ramassés une fois par mois.",
            theme="dechets",
        ),
        "etat_civil": article(
            org, "Actes d'état civil", body="Naissance, mariage, décès : demandez une copie intégrale."
        ),
        "cantine": article(
            org,
            "Inscription à la cantine",
            body="Les repas de l'école se réservent chaque mois.",
            theme="enfance-ecole",
        ),
    }


def _titles(found):
    return {a.title for a in found}


def test_a_search_ignores_accents_and_case(articles, territory):
    base = articles_for_citizens(territory.commune_a)
    assert _titles(search_articles(base, "ETAT CIVIL")) == {"Actes d'état civil"}
    assert _titles(search_articles(base, "identite")) == {"Carte d'identité et passeport"}
    assert _titles(search_articles(base, "déchèts")) == {"Collecte des encombrants"}


def test_a_search_finds_plurals_and_singulars(articles, territory):
    base = articles_for_citizens(territory.commune_a)
    assert _titles(search_articles(base, "passeports")) == {"Carte d'identité et passeport"}
    assert _titles(search_articles(base, "encombrant")) == {"Collecte des encombrants"}
    assert _titles(search_articles(base, "cantines")) == {"Inscription à la cantine"}


def test_every_word_of_a_search_must_match(articles, territory):
    base = articles_for_citizens(territory.commune_a)
    assert _titles(search_articles(base, "cantine passeport")) == set()
    assert _titles(search_articles(base, "inscription cantine")) == {"Inscription à la cantine"}


def test_an_empty_search_lists_everything(articles, territory):
    assert len(search_articles(articles_for_citizens(territory.commune_a), "  ")) == 4


def test_suggestions_match_any_word_and_put_the_best_first(articles, territory):
    found = suggest_articles(territory.commune_a, "perte de la carte d'identité, passeport urgent", Audience.AGENTS, 3)
    assert found[0].title == "Carte d'identité et passeport"
    assert suggest_articles(territory.commune_a, "", Audience.AGENTS, 3) == []
    assert suggest_articles(territory.commune_a, "zzzz", Audience.AGENTS, 3) == []


def test_suggestions_are_limited(articles, territory):
    assert len(suggest_articles(territory.commune_a, "cantine passeport encombrants civil", Audience.AGENTS, 2)) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text index")
def test_postgresql_has_the_french_full_text_index(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'knowledge_article_fts'")
        row = cursor.fetchone()
    assert row is not None and "gin" in row[0].lower() and "french" in row[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text stemming")
def test_postgresql_stems_french_words(articles, territory):
    base = articles_for_citizens(territory.commune_a)
    # « volumineux » in the body, « volumineuses » typed: the French stemmer brings both to « volumin ».
    assert _titles(search_articles(base, "volumineuses")) == {"Collecte des encombrants"}

"""The queue's text search is served by a trigram index on PostgreSQL (docs/performance.md)."""

import pytest
from django.db import connection


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is a PostgreSQL extension")
def test_case_search_text_has_a_trigram_index_on_postgresql(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'case_search_trgm_idx'")
        row = cursor.fetchone()
    assert row is not None and "gin_trgm_ops" in row[0] and "search_text" in row[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is a PostgreSQL extension")
def test_a_rare_term_search_can_use_the_trigram_index(db):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM cases_case WHERE search_text LIKE '% 000123%'")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "case_search_trgm_idx" in plan

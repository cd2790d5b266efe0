"""Trigram index on ``Case.search_text``, on PostgreSQL only (the queue's text search at 1M cases).

The search filters ``search_text LIKE '% term%'`` for each term (parvis.cases.queries._search); a GIN
index with ``gin_trgm_ops`` serves those patterns, so a rare name or reference is found in tens of
milliseconds instead of a scan of the organisation's cases (1.6 s at 1M cases: docs/performance.md).
``pg_trgm`` is a trusted extension (PostgreSQL 13+): the database owner may create it.
SQLite keeps the plain scan (development and tests).
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS case_search_trgm_idx ON cases_case USING gin (search_text gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS case_search_trgm_idx"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_case_deadline_state_case_decided_on_case_decision_and_more")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]

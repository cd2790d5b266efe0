"""French full-text index, on PostgreSQL only.

A functional GIN index on ``to_tsvector('french', COALESCE(search_plain, ''))``: the very expression
``SearchVector("search_plain", config="french")`` produces, so the planner uses it. SQLite has no such
index; parvis.knowledge.search falls back on ``search_text`` there.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "knowledge_article_fts"


def _index():
    return GinIndex(SearchVector("search_plain", config="french"), name=INDEX_NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_index(apps.get_model("knowledge", "Article"), _index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("knowledge", "Article"), _index())


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]

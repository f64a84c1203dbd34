"""A GIN index for full-text search over transcripts and translations, on PostgreSQL only.

The indexed expression must stay identical to the one in ``UtteranceQuerySet.matching``
(``SearchVector("text", "translation", config="simple")``) or PostgreSQL will not use it.
Other databases search with a substring match and get no index; the index is kept out of
the migration state because ``Meta.indexes`` cannot say "PostgreSQL only".
"""

from django.db import migrations

INDEX_NAME = "utterance_fulltext"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    Utterance = apps.get_model("interpreter", "Utterance")
    schema_editor.add_index(
        Utterance,
        GinIndex(SearchVector("text", "translation", config="simple"), name=INDEX_NAME),
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX_NAME}"')


class Migration(migrations.Migration):
    dependencies = [("interpreter", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]

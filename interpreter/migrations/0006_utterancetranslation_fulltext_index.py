"""A GIN index for full-text search over a room session's translations, on PostgreSQL only.

Search looks in every language a room was translated into (``UtteranceTranslation.text``),
across all of an account's sessions: without an index PostgreSQL would compute the
``tsvector`` of every translation row on every search. As in 0002, the indexed expression
must stay identical to the one ``UtteranceTranslationQuerySet.matching`` builds
(``SearchVector("text", config="simple")``) or PostgreSQL will not use it, and the index is
kept out of the migration state because ``Meta.indexes`` cannot say "PostgreSQL only".
"""

from django.db import migrations

INDEX_NAME = "utterance_translation_fulltext"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    UtteranceTranslation = apps.get_model("interpreter", "UtteranceTranslation")
    schema_editor.add_index(
        UtteranceTranslation,
        GinIndex(SearchVector("text", config="simple"), name=INDEX_NAME),
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX_NAME}"')


class Migration(migrations.Migration):
    dependencies = [("interpreter", "0005_room_sessions")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]

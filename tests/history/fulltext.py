"""Checks that PostgreSQL's full-text search goes through its GIN indexes (migrations 0002
and 0006), shared by the search tests."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet


def assert_gin_index(name: str) -> None:
    """The index ``name`` exists, is a GIN index, and indexes a ``to_tsvector``."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        (definition,) = cursor.fetchone()
    assert "gin" in definition.lower()
    assert "to_tsvector" in definition


def plans_without_sequential_scans(*querysets: QuerySet) -> list[str]:
    """Each queryset's plan when PostgreSQL may not scan a table: an index that can serve
    the query then shows in it."""
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    try:
        return [queryset.explain() for queryset in querysets]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")

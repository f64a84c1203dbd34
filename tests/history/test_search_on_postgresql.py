"""Full-text search on PostgreSQL, run by the PostgreSQL pass of `make test`.

The same behaviour as on SQLite, plus what only full-text search gives: web-search syntax
and a GIN index the query actually uses.
"""

from __future__ import annotations

import pytest
from django.db import connection

from interpreter.models import TranslationSession, Utterance

from .fulltext import assert_gin_index, plans_without_sequential_scans

pytestmark = pytest.mark.postgres


@pytest.fixture
def sessions(make_session, alice, alpha, bob, beta):
    make_session(
        alice,
        alpha,
        title="Standup",
        lines=[
            (0, 1000, "The kangaroo project ships Friday.", "El proyecto canguro sale el viernes."),
            (2, 1000, "Budget review next week.", "Revisión del presupuesto."),
        ],
    )
    make_session(
        alice,
        alpha,
        title="Sales call",
        lines=[(0, 1000, "Prices go up in March.", "Los precios suben en marzo.")],
    )
    make_session(bob, beta, title="Beta secrets", lines=[(0, 1000, "Kangaroo budget", "Canguro")])


def titles(queryset) -> list[str]:
    return sorted(queryset.values_list("title", flat=True))


def test_it_searches_with_postgresql_full_text_search(alpha, sessions):
    assert connection.vendor == "postgresql"
    alpha_sessions = TranslationSession.objects.for_account(alpha)

    assert titles(alpha_sessions.search("KANGAROO")) == ["Standup"]
    assert titles(alpha_sessions.search("precios")) == ["Sales call"]
    assert titles(alpha_sessions.search("kangaroo march")) == []


def test_it_understands_quoted_phrases_and_exclusions(alpha, sessions):
    alpha_sessions = TranslationSession.objects.for_account(alpha)

    assert titles(alpha_sessions.search('"project ships"')) == ["Standup"]
    assert titles(alpha_sessions.search('"ships project"')) == []
    assert titles(alpha_sessions.search("kangaroo -friday")) == []


def test_odd_punctuation_in_a_query_is_not_an_error(alpha, sessions):
    alpha_sessions = TranslationSession.objects.for_account(alpha)

    assert titles(alpha_sessions.search("kangaroo & | ! ( :*")) == ["Standup"]


def test_the_history_page_finds_a_word_in_this_account_only(client, alice, bob, sessions):
    found = {}
    for user in (alice, bob):
        client.force_login(user)
        page = client.get("/history/", {"q": "kangaroo"}).context["page"]
        found[user.username] = [session.title for session in page]

    assert found == {"alice": ["Standup"], "bob": ["Beta secrets"]}


def test_the_full_text_index_exists_and_the_search_uses_it(alpha, sessions):
    assert_gin_index("utterance_fulltext")
    (plan,) = plans_without_sequential_scans(Utterance.objects.matching("kangaroo"))

    assert "utterance_fulltext" in plan

"""Finding a session by a word someone said (runs on the suite's database, SQLite by default)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from interpreter.models import TranslationSession
from tests.conftest import T0


@pytest.fixture
def sessions(make_session, alice, alpha, bob, beta):
    make_session(
        alice,
        alpha,
        title="Standup",
        started_at=T0 - timedelta(days=7),
        lines=[
            (0, 1000, "The kangaroo project ships Friday.", "El proyecto canguro sale el viernes.")
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


def test_it_finds_a_session_by_a_word_in_the_transcript(alice_client, sessions):
    response = alice_client.get("/history/", {"q": "kangaroo"})

    assert [s.title for s in response.context["page"]] == ["Standup"]
    assert "The kangaroo project ships Friday." in response.content.decode()


def test_it_finds_a_session_by_a_word_in_the_translation(alice_client, sessions):
    response = alice_client.get("/history/", {"q": "precios"})

    assert [s.title for s in response.context["page"]] == ["Sales call"]
    assert response.context["page"][0].match_translation == "Los precios suben en marzo."


def test_search_ignores_case_and_needs_every_word(alpha, sessions):
    visible = TranslationSession.objects.for_account(alpha)

    assert titles(visible.search("KANGAROO friday")) == ["Standup"]
    assert titles(visible.search("kangaroo march")) == []


def test_search_matches_the_title_too(alpha, sessions):
    assert titles(TranslationSession.objects.for_account(alpha).search("sales")) == ["Sales call"]


def test_search_stays_inside_the_current_account(bob_client, sessions):
    response = bob_client.get("/history/", {"q": "kangaroo"})

    assert [s.title for s in response.context["page"]] == ["Beta secrets"]


def test_search_combines_with_the_date_filter(alice_client, sessions):
    response = alice_client.get("/history/", {"q": "kangaroo", "since": "2026-11-15"})

    assert list(response.context["page"]) == []


def test_a_search_without_results_says_so(alice_client, sessions):
    response = alice_client.get("/history/", {"q": "zebra"})

    assert "No session matches “zebra”." in response.content.decode()

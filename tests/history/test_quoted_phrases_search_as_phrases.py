"""A "quoted phrase" finds its words side by side and in that order, on SQLite as on
PostgreSQL (whose web-search syntax does it natively; the ``postgres`` case runs in the
PostgreSQL pass of `make test`)."""

from __future__ import annotations

import pytest

from interpreter.models import TranslationSession, search_terms


@pytest.fixture
def sessions(database, make_session, alice, alpha):
    make_session(
        alice,
        alpha,
        title="Dickens",
        lines=[
            (0, 4000, "It was the season of Light, it was the season of Darkness.", "Era la…"),
        ],
    )
    make_session(
        alice,
        alpha,
        title="Shuffled",
        lines=[(0, 3000, "Light was the theme of the season.", "La luz era el tema.")],
    )
    make_session(
        alice,
        alpha,
        title="Apart",
        lines=[
            (0, 1000, "The season opened.", "La temporada empezó."),
            (2, 1000, "Of light we spoke.", "Hablamos de luz."),
        ],
    )
    make_session(
        alice,
        alpha,
        title="Punctuated",
        lines=[(0, 2000, "A season, of light!", "Una temporada, de luz.")],
    )


def found(client, query: str) -> list[str]:
    return sorted(s.title for s in client.get("/history/", {"q": query}).context["page"])


def test_a_quoted_phrase_finds_only_its_words_side_by_side_in_order(alice_client, sessions):
    assert found(alice_client, '"season of light"') == ["Dickens", "Punctuated"]


def test_the_same_words_unquoted_match_anywhere_in_one_line(alice_client, sessions):
    assert found(alice_client, "season of light") == ["Dickens", "Punctuated", "Shuffled"]


def test_a_phrase_ignores_case_and_combines_with_other_words(alice_client, sessions):
    assert found(alice_client, 'darkness "SEASON OF LIGHT"') == ["Dickens"]
    assert found(alice_client, '"light of season"') == []


def test_a_phrase_in_the_translation_is_found_too(alice_client, sessions):
    assert found(alice_client, '"temporada de luz"') == ["Punctuated"]
    assert found(alice_client, '"luz era el tema"') == ["Shuffled"]
    assert found(alice_client, '"luz de temporada"') == []


def test_the_matching_line_is_the_one_shown(alice_client, sessions):
    page = alice_client.get("/history/", {"q": '"season of light"'}).context["page"]

    shown = {s.title: s.match_text for s in page}
    assert shown["Dickens"].startswith("It was the season of Light")


def test_a_phrase_matches_the_title_as_a_phrase(alice, alpha, sessions, make_session):
    make_session(alice, alpha, title="Notes on the season of light", lines=[(0, 500, "x", "")])
    visible = TranslationSession.objects.for_account(alpha)

    titles = sorted(visible.search('"season of light"').values_list("title", flat=True))

    assert titles == ["Dickens", "Notes on the season of light", "Punctuated"]


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ('"season of light"', ["season of light"]),
        ('budget  "season   of light"  march', ["budget", "season of light", "march"]),
        ('"unclosed phrase here', ["unclosed phrase here"]),
        ('"" "  " word', ["word"]),
    ],
)
def test_a_query_is_read_as_words_and_phrases(query, terms):
    assert search_terms(query) == terms

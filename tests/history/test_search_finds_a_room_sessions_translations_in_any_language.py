"""Search looks in a room session's translations into every language, on SQLite and on
PostgreSQL (full-text, through its own GIN index; those cases run in the PostgreSQL pass of
`make test`)."""

from __future__ import annotations

import pytest

from interpreter.models import TranslationSession, UtteranceTranslation

from .fulltext import assert_gin_index, plans_without_sequential_scans


@pytest.fixture
def sessions(database, room_session, make_session, alice, alpha):
    make_session(alice, alpha, title="Standup", lines=[(0, 1000, "Ship it.", "Envíalo.")])
    return room_session


def titles(queryset) -> list[str]:
    return sorted(queryset.values_list("title", flat=True))


def test_a_word_said_only_in_one_listeners_language_finds_the_session(alpha, sessions):
    found = TranslationSession.objects.for_account(alpha)

    assert titles(found.search("commençons")) == ["Town hall"]
    assert titles(found.search("BUENOS")) == ["Town hall"]
    assert titles(found.search("envíalo")) == ["Standup"]


def test_every_word_must_be_in_one_translation(alpha, sessions):
    found = TranslationSession.objects.for_account(alpha)

    assert titles(found.search("empecemos commençons")) == []
    assert titles(found.search("font deux")) == ["Town hall"]


def test_a_quoted_phrase_is_found_in_a_translation(alpha, sessions):
    found = TranslationSession.objects.for_account(alpha)

    assert titles(found.search('"buenos días"')) == ["Town hall"]
    assert titles(found.search('"días buenos"')) == []


def test_the_history_page_shows_the_line_and_the_translation_that_matched(alice_client, sessions):
    response = alice_client.get("/history/", {"q": "commençons"})

    (session,) = response.context["page"]
    assert (session.match_text, session.match_translation, session.match_language) == (
        "Let's begin.",
        "Commençons.",
        "fr-FR",
    )
    html = response.content.decode()
    assert '<span class="muted" lang="fr-FR">Commençons.</span>' in html


@pytest.mark.postgres
def test_postgresql_searches_translations_through_their_full_text_index(alpha, sessions):
    assert_gin_index("utterance_translation_fulltext")
    plan, search = plans_without_sequential_scans(
        UtteranceTranslation.objects.matching("commençons"),
        # A session search looks in utterances and translations, each through its index.
        TranslationSession.objects.for_account(alpha).search("commençons"),
    )

    assert "utterance_translation_fulltext" in plan
    assert "utterance_translation_fulltext" in search
    assert "utterance_fulltext" in search

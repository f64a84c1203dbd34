"""The dictionary editor says what an entry does and what it doesn't."""

from __future__ import annotations

from django.urls import reverse


def test_the_dictionary_editor_says_what_an_entry_does_and_does_not_do(
    alice_client, make_glossary, alpha
):
    glossary = make_glossary(alpha, entries=[("season", "temporada")])
    page = alice_client.get(reverse("glossary_dictionary", args=[glossary.pk])).content.decode()

    assert "What an entry does:" in page
    assert "the article and adjectives right before it are made to agree" in page
    assert "What it doesn't do:" in page
    assert "seasons = temporadas" in page


def test_the_vocabulary_editor_does_not_show_the_dictionarys_help(
    alice_client, make_glossary, alpha
):
    glossary = make_glossary(alpha, terms=["MRI"])
    page = alice_client.get(reverse("glossary_vocabulary", args=[glossary.pk])).content.decode()

    assert "What an entry does:" not in page

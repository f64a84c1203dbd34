"""A dictionary term keeps the sentence's grammar: the article before it agrees with it in
gender and number, by the target language's own Apertium analyser and generator; a term
the analyser doesn't know leaves the sentence as Apertium translated it."""

from __future__ import annotations

import pytest

from localvt.mt import Translator, installed_routes
from localvt.pipelines import PipelinePool

from .conftest import collect_session, config, finals, open_socket
from .speech import espeak_clip


@pytest.fixture(scope="module")
def translator():
    routes, _ = installed_routes()
    translator = Translator(routes, PipelinePool(idle_seconds=0))
    yield translator
    translator.close()


def spanish(translator: Translator, text: str, source: str, target: str) -> str:
    return translator.translate(text, "en-US", "es-ES", [(source, target)])


def test_the_article_before_a_feminine_term_is_feminine(translator):
    assert spanish(translator, "The season of light.", "season", "temporada") == (
        "La temporada de ligero."
    )


def test_an_indefinite_article_agrees_too(translator):
    assert spanish(translator, "A season.", "season", "temporada") == "Una temporada."


def test_an_article_contracted_with_a_preposition_is_written_out_again(translator):
    assert spanish(translator, "Of the season. To the season.", "season", "temporada") == (
        "De la temporada. A la temporada."
    )


def test_the_article_takes_the_terms_number(translator):
    assert spanish(translator, "The seasons", "seasons", "temporadas") == "Las temporadas"


def test_adjectives_between_the_article_and_the_term_agree_too(translator):
    assert spanish(translator, "The new season is here.", "season", "temporada") == (
        "La nueva temporada es aquí."
    )


def test_a_word_before_the_term_that_is_no_determiner_is_left_alone(translator):
    # Apertium reads "this" before the blank the term leaves as the pronoun "esto".
    assert spanish(translator, "This season is good.", "season", "temporada") == (
        "Esto temporada es bien."
    )


def test_a_masculine_term_after_a_feminine_noun_of_the_source_keeps_a_masculine_article(
    translator,
):
    # "house" alone would be "la casa"; the term is masculine.
    assert spanish(translator, "Of the house.", "house", "hogar") == "Del hogar."


def test_the_head_noun_of_a_term_of_several_words_decides(translator):
    assert spanish(translator, "The free time.", "free time", "hora libre") == "La hora libre."


def test_a_term_the_analyser_does_not_know_leaves_the_sentence_as_it_was(translator):
    assert spanish(translator, "The season.", "season", "Saisonzeit") == "El Saisonzeit."
    assert translator.translate("The season.", "en-US", "es-ES") == "La estación."


def test_french_elides_the_agreeing_article_before_a_vowel(translator):
    dictionary = [("plane", "avion"), ("season", "saison")]
    assert translator.translate("The plane of the season.", "en-US", "fr-FR", dictionary) == (
        "L'avion de la saison."
    )


async def test_a_spoken_sentence_with_a_dictionary_term_keeps_its_grammar(localvt, tmp_path):
    speech = espeak_clip("The season starts today.", tmp_path)
    ws = await open_socket(localvt)
    dictionary = [{"source": "season", "target": "temporada"}]
    await ws.send(config(translation_dictionary=dictionary))
    events, _ = await collect_session(ws, speech)
    await ws.close()
    (translation,) = finals(events, "translate")
    assert "la temporada" in translation["text"].lower()
    assert "el temporada" not in translation["text"].lower()

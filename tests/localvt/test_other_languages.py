"""Speech in a language other than English: recognised in that language, translated from
it, with the dictionary enforced; and only the pairs that can really be served offered."""

from __future__ import annotations

import re

import pytest

from localvt.engines import servable
from localvt.mt import ROUTES

from .conftest import collect_session, config, finals, open_socket
from .speech import espeak_clip, rms

SPANISH = "Buenos días a todos. Hoy vamos a hablar del presupuesto para el año que viene."


@pytest.fixture
def spanish_speech(tmp_path) -> bytes:
    return espeak_clip(SPANISH, tmp_path, voice="es")


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


async def test_spanish_speech_comes_back_as_english_text_and_speech(localvt, spanish_speech):
    ws = await open_socket(localvt)
    await ws.send(config(source_language="es-ES", target_language="en-US"))
    events, audio = await collect_session(ws, spanish_speech)
    await ws.close()
    heard = " ".join(t["text"] for t in finals(events, "transcript"))
    said = " ".join(t["text"] for t in finals(events, "translate"))
    assert {"buenos", "días", "hablar", "presupuesto", "año"} <= words(heard)
    assert {"good", "morning", "today", "speak", "year"} <= words(said), said
    assert len(audio) / 32000 > 2
    assert rms(audio) > 500


async def test_a_dictionary_term_heard_in_spanish_is_in_the_french(localvt, spanish_speech):
    ws = await open_socket(localvt)
    dictionary = [{"source": "presupuesto", "target": "plan de dépenses"}]
    await ws.send(
        config(source_language="es-ES", target_language="fr-FR", translation_dictionary=dictionary)
    )
    events, _ = await collect_session(ws, spanish_speech)
    await ws.close()
    assert "presupuesto" in " ".join(t["text"] for t in finals(events, "transcript"))
    assert "plan de dépenses" in " ".join(t["text"] for t in finals(events, "translate"))


def test_whisper_is_told_only_languages_it_knows(localvt_engines):
    recognizer = localvt_engines.recognizer
    assert all(recognizer.recognizes(code) for code in ("en", "es", "ca", "gl", "fr"))
    assert not recognizer.recognizes("eo")  # Whisper has no Esperanto


def test_an_english_only_model_leaves_only_english_sources():
    routes = servable(ROUTES, hears=lambda code: code == "en-US", speaks=lambda code: True)
    assert {source for source, _ in routes} == {"en-US"}
    assert ("en-US", "fr-FR") in routes


def test_a_target_without_a_voice_is_not_offered():
    routes = servable(ROUTES, hears=lambda code: True, speaks=lambda code: code != "en-US")
    assert all(target != "en-US" for _, target in routes)
    assert ("fr-FR", "es-ES") in routes

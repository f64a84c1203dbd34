"""Start, ready, then audio one way and captions, translations and speech the other."""

from __future__ import annotations

import pytest
from django.conf import settings

from interpreter.models import TranslationSession
from tests import fakekrisp
from tests.fakekrisp import transcript, translation

from .conftest import FRAME, START, eventually, utterances

pytestmark = pytest.mark.django_db(transaction=True)


async def test_ready_comes_after_connecting_with_the_new_sessions_id(
    fake, open_browser, alice_cookie, alice
):
    browser = await open_browser(alice_cookie)
    await browser.send(START)

    assert await browser.next() == {"type": "status", "state": "connecting"}
    ready = await browser.next()

    session = await TranslationSession.objects.aget(user=alice)
    assert ready == {"type": "ready", "session_id": session.pk, "segment": 1, "resumed": False}
    assert session.status == TranslationSession.Status.RUNNING
    assert session.backend == settings.VOICE_BACKEND
    assert (session.source_language, session.target_language, session.voice) == (
        "en-US",
        "es-ES",
        "female",
    )


async def test_captions_translations_and_speech_reach_the_page_and_finals_are_saved(
    fake, open_browser, alice_cookie
):
    fake.behaviour = fakekrisp.echo(frames_per_utterance=25, interim_every=10)
    browser = await open_browser(alice_cookie)
    session_id = (await browser.start())["session_id"]

    await browser.send_audio(FRAME, frames=50)
    second = await browser.expect("transcript", utterance_id="u2", final=True)

    texts = [m for m in browser.messages if m["type"] in ("transcript", "translation")]
    assert [(m["type"], m["utterance_id"], m["text"], m["final"]) for m in texts] == [
        ("transcript", "u1", "partial 1", False),
        ("transcript", "u1", "partial 1", False),
        ("transcript", "u1", "utterance 1", True),
        ("translation", "u1", "enunciado 1", True),
        ("transcript", "u2", "partial 2", False),
        ("transcript", "u2", "partial 2", False),
        ("transcript", "u2", "utterance 2", True),
    ]
    assert second["duration"] == 500
    assert second["start"].startswith("20")
    await browser.expect("translation", utterance_id="u2")
    assert bytes(browser.audio) == FRAME * 50
    assert await eventually(lambda: _saved(session_id, 2)) == [
        ("u1", "utterance 1", "enunciado 1"),
        ("u2", "utterance 2", "enunciado 2"),
    ]


async def test_a_corrected_final_updates_its_row_in_place(fake, open_browser, alice_cookie):
    fake.behaviour = fakekrisp.scripted(
        {"type": "ready"},
        transcript("Helo world", "u1"),
        translation("Hola mundo", "u1"),
        transcript("Hello world", "u1"),
        translation("¡Hola, mundo!", "u1"),
    )
    browser = await open_browser(alice_cookie)
    session_id = (await browser.start())["session_id"]

    await browser.expect("translation", text="¡Hola, mundo!")

    assert await eventually(
        lambda: _saved_text(session_id, ("u1", "Hello world", "¡Hola, mundo!"))
    ) == [("u1", "Hello world", "¡Hola, mundo!")]


async def test_interim_results_are_shown_but_not_saved(fake, open_browser, alice_cookie):
    fake.behaviour = fakekrisp.scripted(
        {"type": "ready"},
        transcript("half a", "u1", final=False),
        translation("medio", "u1", final=False),
    )
    browser = await open_browser(alice_cookie)
    session_id = (await browser.start())["session_id"]

    await browser.expect("translation", final=False)

    assert await utterances(session_id) == []


async def _saved(session_id: int, count: int):
    rows = await utterances(session_id)
    return rows if len(rows) == count and all(r[2] for r in rows) else None


async def _saved_text(session_id: int, wanted: tuple):
    rows = await utterances(session_id)
    return rows if rows == [wanted] else None

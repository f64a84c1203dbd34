"""A glossary used in a live session reaches the real engine and shows in the transcript.

The page's socket is driven through the routed app; the service is localvt itself, run
in-process on 127.0.0.1 with its real models, and the speech is a LibriVox recording.
"""

from __future__ import annotations

import asyncio
import wave
from pathlib import Path

import pytest
from django.test import override_settings

from interpreter.models import TranslationSession
from localvt.keys import DEV_API_KEY
from localvt.server import LocalVT, ServerOptions

from .conftest import eventually, utterances

CLIP = Path(
    "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav"
)

pytestmark = [
    pytest.mark.models,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CLIP.exists(), reason="pocketsphinx-testdata is not installed"),
]


@pytest.fixture
async def localvt(localvt_engines):
    server = LocalVT(localvt_engines, ServerOptions(api_keys={DEV_API_KEY}))
    await server.start("127.0.0.1", 0)
    base = f"127.0.0.1:{server.port}"
    with override_settings(
        KRISP_API_KEY=DEV_API_KEY,
        KRISP_API_BASE=f"http://{base}/v2/sdk",
        KRISP_WS_URL=f"ws://{base}/vt",
        VOICE_BACKEND="localvt",
    ):
        yield server
    await server.stop()


async def test_a_dictionary_term_from_the_glossary_is_in_the_saved_translation(
    localvt, open_browser, alice_cookie, alpha, make_glossary
):
    glossary = await make_glossary_async(
        make_glossary, alpha, terms=["Dashwood"], entries=[("leisure", "tiempo libre")]
    )
    browser = await open_browser(alice_cookie)
    ready = await browser.start(glossary=glossary.pk)
    with wave.open(str(CLIP)) as clip:
        speech = clip.readframes(clip.getnframes())
    audio = speech + b"\0" * 32000
    for offset in range(0, len(audio), 640):
        await browser.send_audio(audio[offset : offset + 640])
        await asyncio.sleep(0.015)  # a little faster than real time, as a page may catch up
    translation = await browser.expect("translation", seconds=30, final=True)
    assert "tiempo libre" in translation["text"]
    await browser.send({"type": "stop"})
    ended = await browser.expect("ended", seconds=20)
    assert ended["status"] == "completed"

    session = await TranslationSession.objects.aget(pk=ready["session_id"])
    assert session.glossary_snapshot["translation_dictionary"] == [
        {"source": "leisure", "target": "tiempo libre"}
    ]
    assert session.glossary_snapshot["vocabulary"] == ["Dashwood"]
    saved = await eventually(lambda: utterances(session.pk))
    assert any("Dashwood" in text and "tiempo libre" in translated for _, text, translated in saved)


async def make_glossary_async(make_glossary, *args, **kwargs):
    from asgiref.sync import sync_to_async

    return await sync_to_async(make_glossary)(*args, **kwargs)

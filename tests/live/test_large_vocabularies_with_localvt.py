"""A glossary of 60 or 1,000 vocabulary terms never silences a live session.

The page's socket is driven through the routed app; the service is localvt run in-process
with its real models; the speech is three LibriVox sentences, sent at about the pace a
page sends them. Every sentence must come back as a final caption, whole.
"""

from __future__ import annotations

import asyncio
import re
import wave
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.test import override_settings

from glossaries.models import VocabularyTerm
from localvt.keys import DEV_API_KEY
from localvt.server import LocalVT, ServerOptions
from tests.localvt.terms import unrelated_terms

LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")
SAID = {
    "0870": "and mister john dashwood had then leisure to consider how much there might be "
    "prudently in his power to do for them",
    "0880": "he was not an ill disposed young man",
    "0930": "he might even have been made amiable himself",
}

pytestmark = [
    pytest.mark.models,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not LIBRIVOX.exists(), reason="pocketsphinx-testdata is not installed"),
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


def words(text: str) -> list[str]:
    text = text.lower().replace("mr.", "mister").replace("-", " ")
    return re.sub(r"[^a-z' ]", " ", text).split()


def sentence(number: str) -> bytes:
    with wave.open(str(LIBRIVOX / f"sense_and_sensibility_01_austen_64kb-{number}.wav")) as clip:
        return clip.readframes(clip.getnframes())


async def send_in_real_time(browser, audio: bytes) -> None:
    """20 ms frames at the pace a microphone makes them (the app stops a faster page)."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    for n, offset in enumerate(range(0, len(audio), 640)):
        await asyncio.sleep(max(0.0, started + n * 0.02 - loop.time()))
        await browser.send_audio(audio[offset : offset + 640])


@sync_to_async
def glossary_with(make_glossary, account, terms: list[str]):
    glossary = make_glossary(account, name=f"{len(terms)} terms")
    VocabularyTerm.objects.bulk_create(VocabularyTerm(glossary=glossary, term=t) for t in terms)
    return glossary


@pytest.mark.parametrize("size", [60, 1000])
async def test_every_sentence_comes_back_whole_with_a_large_vocabulary(
    localvt, open_browser, alice_cookie, alpha, make_glossary, size
):
    glossary = await glossary_with(make_glossary, alpha, unrelated_terms(size))
    browser = await open_browser(alice_cookie)
    await browser.start(glossary=glossary.pk)
    captions = []
    for number, said in SAID.items():
        audio = sentence(number) + b"\0" * 32000
        await send_in_real_time(browser, audio)
        caption = await browser.expect("transcript", seconds=30, final=True)
        captions.append(caption["text"])
        heard = words(caption["text"])
        # Whole: as many words as were said, to the last two (Whisper base may still
        # mishear a word on the way, as it does without any vocabulary: "ill-sposed").
        assert len(heard) == len(words(said)), captions
        assert heard[-2:] == words(said)[-2:], captions
    await browser.send({"type": "stop"})
    ended = await browser.expect("ended", seconds=20)
    assert ended["status"] == "completed"

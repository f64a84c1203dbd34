"""A page that stops right after its last word still gets that sentence's final.

A service finishes an utterance when it hears the pause after it. A page that stops (or
leaves) while the speaker's last word is still in the air never sends that pause, so the
app sends it: silence, once the page's last audio was not already a pause. The peer here
finishes an utterance only after 300 ms of silence, as a voice-activity detector does.
"""

from __future__ import annotations

import pytest

from interpreter.models import TranslationSession
from tests.fakekrisp import Connection, transcript, translation

from .conftest import utterances

pytestmark = pytest.mark.django_db(transaction=True)

LOUD = b"\x00\x10" * 320  # 20 ms of speech
QUIET = b"\x01\x00" * 320  # 20 ms of room noise, far below speech


async def after_a_pause(conn: Connection) -> None:
    """Ready; an utterance is final once 300 ms of silence follow speech."""
    await conn.ready()
    speech, silence = 0, 0
    async for message in conn.frames_in():
        if not isinstance(message, bytes):
            continue
        if any(message[1::2]):  # a high byte: speech
            speech, silence = speech + 1, 0
        else:
            silence += 1
        if speech and silence == 15:
            await conn.send_json(transcript(f"{speech} frames said", "u1"))
            await conn.send_json(translation(f"{speech} tramas dichas", "u1"))
            speech = 0


async def test_stop_right_after_the_last_word_still_brings_its_final(
    fake, open_browser, alice_cookie
):
    fake.behaviour = after_a_pause
    page = await open_browser(alice_cookie)
    session_id = (await page.start())["session_id"]
    await page.send_audio(LOUD, frames=10)

    await page.send({"type": "stop"})
    await page.expect("translation", final=True, text="10 tramas dichas")
    await page.expect("ended", status="completed")

    assert await utterances(session_id) == [("u1", "10 frames said", "10 tramas dichas")]
    session = await TranslationSession.objects.aget(pk=session_id)
    assert session.audio_in_seconds == pytest.approx(10 * 0.02)  # the pause isn't the user's


async def test_a_page_whose_last_audio_was_already_a_pause_is_sent_nothing_more(
    fake, open_browser, alice_cookie
):
    fake.behaviour = after_a_pause
    page = await open_browser(alice_cookie)
    await page.start()
    await page.send_audio(LOUD, frames=10)
    await page.send_audio(QUIET, frames=40)
    await page.expect("translation", final=True)

    await page.send({"type": "stop"})
    await page.expect("ended", status="completed")

    assert bytes(fake.connections[0].audio) == LOUD * 10 + QUIET * 40

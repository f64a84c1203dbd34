"""The browser keeps sending after its stop: a burst of audio, another start, more stops.

tests/live/test_stopping_a_session.py shows two frames after a stop are not sent on.
Here a flood far beyond the too-fast allowance crosses the stop: none of it reaches the
service, none of it earns an error (the user already asked to stop), the session still
ends ``completed`` with the finals collected in the tail, and control messages after the
stop are answered without disturbing the ending.
"""

from __future__ import annotations

import asyncio

import pytest

from interpreter.live import protocol
from interpreter.models import TranslationSession
from tests.fakekrisp import Connection, transcript, translation

from . import conftest as faults
from .conftest import FRAME, utterances

pytestmark = pytest.mark.django_db(transaction=True)


async def finals_after_a_short_delay(conn: Connection) -> None:
    await conn.ready()
    async for count in faults.numbered_audio_frames(conn):
        if count == 5:
            await asyncio.sleep(0.1)
            await conn.send_json(transcript("The tail", "u1"))
            await conn.send_json(translation("La cola", "u1"))


async def test_a_flood_after_stop_is_ignored_and_the_tail_is_still_saved(
    fake, leaks, open_browser, alice_cookie
):
    fake.behaviour = finals_after_a_short_delay
    browser, session_id = await faults.start_a_session(open_browser, alice_cookie)
    await browser.send_audio(FRAME, frames=5)

    await browser.send({"type": "stop"})
    await browser.send_audio(FRAME, frames=500)  # 10 s of audio at once: past too_fast
    await browser.send({"type": "stop"})
    await browser.send({"type": "start", "source_language": "en-US"})
    seen = await browser.until_closed()

    errors = [m for m in seen if m["type"] == "error"]
    assert errors == [faults.page_error("bad_request", protocol.ALREADY_STARTED, fatal=False)]
    assert seen[-1]["type"] == "ended"
    assert seen[-1]["status"] == "completed"
    assert bytes(fake.connections[0].audio) == FRAME * 5
    session = await faults.session_ended(session_id)
    assert session.audio_in_seconds == pytest.approx(5 * 0.02)
    assert await utterances(session_id) == [("u1", "The tail", "La cola")]
    await browser.leave()
    await leaks.check(fake)


async def test_audio_after_the_server_closed_the_socket_changes_nothing(
    fake, leaks, open_browser, alice_cookie
):
    fake.behaviour = finals_after_a_short_delay
    browser, session_id = await faults.start_a_session(open_browser, alice_cookie)
    await browser.send_audio(FRAME, frames=5)
    await faults.stop_and_read_to_the_close(browser)

    await browser.send_audio(FRAME, frames=50)
    await browser.send({"type": "stop"})
    await asyncio.sleep(0.2)

    assert await browser.ws.receive_nothing(0.2)
    session = await TranslationSession.objects.aget(pk=session_id)
    assert (session.status, session.audio_in_seconds) == ("completed", pytest.approx(0.1))
    assert bytes(fake.connections[0].audio) == FRAME * 5
    await browser.leave()
    await leaks.check(fake)

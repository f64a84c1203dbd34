"""The service drops its connection in the middle of an utterance.

The page hears "reconnecting" then "live"; the utterance that was final before the drop is
kept, the interim one that the drop cut off is not saved, and finals after the reconnect
are saved too. The session is still running, and once the browser stops it ends completed
with nothing left open.
"""

from __future__ import annotations

import pytest

from interpreter.models import TranslationSession
from tests.fakekrisp import Connection, echo, transcript, translation

from . import conftest as faults
from .conftest import FRAME, eventually, kinds, utterances

pytestmark = pytest.mark.django_db(transaction=True)


async def final_then_drop_mid_utterance(conn: Connection) -> None:
    """A final a1, an interim a2, then a TCP drop."""
    await conn.ready()
    async for count in faults.numbered_audio_frames(conn):
        if count == 2:
            await conn.send_json(transcript("Before the drop", "a1"))
            await conn.send_json(translation("Antes del corte", "a1"))
            await conn.send_json(transcript("cut in", "a2", final=False))
        if count == 4:
            conn.ws.transport.abort()
            return


async def test_finals_before_and_after_the_drop_are_kept_and_the_session_goes_on(
    fake, leaks, open_browser, alice_cookie
):
    fake.behaviour = faults.first_connection_then(
        final_then_drop_mid_utterance, echo(frames_per_utterance=5)
    )
    browser, session_id = await faults.start_a_session(open_browser, alice_cookie)

    await browser.send_audio(FRAME, frames=4)
    await faults.expect_a_reconnect_then_an_echoed_utterance(browser)

    assert kinds(browser.messages) == [
        "status:connecting",
        "ready",
        "transcript",
        "translation",
        "transcript",
        "status:reconnecting",
        "status:live",
        "transcript",
        "translation",
    ]
    assert [m["text"] for m in browser.messages if m["type"] == "transcript"] == [
        "Before the drop",
        "cut in",
        "utterance 1",
    ]
    # The final from before the drop and the one after it are both kept; the interim the
    # drop cut off was never final, so it is not saved.
    assert await eventually(lambda: _two_rows(session_id)) == [
        ("a1", "Before the drop", "Antes del corte"),
        ("u1", "utterance 1", "enunciado 1"),
    ]
    session = await TranslationSession.objects.aget(pk=session_id)
    assert session.status == "running"
    assert len(fake.connections) == 2

    ended = (await faults.stop_and_read_to_the_close(browser))[-1]

    assert ended["type"] == "ended"
    assert ended["status"] == "completed"
    await faults.session_ended(session_id)
    await browser.leave()
    await leaks.check(fake)


async def _two_rows(session_id: int) -> list | None:
    rows = await utterances(session_id)
    return rows if len(rows) >= 2 else None

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

from .conftest import FRAME, eventually, kinds, utterances

pytestmark = pytest.mark.django_db(transaction=True)


def final_then_drop_mid_utterance():
    """First connection: a final a1, an interim a2, then a TCP drop; later ones echo."""
    seen: list[Connection] = []

    async def behaviour(conn: Connection) -> None:
        seen.append(conn)
        if len(seen) > 1:
            await echo(frames_per_utterance=5)(conn)
            return
        await conn.ready()
        count = 0
        async for message in conn.frames_in():
            if not isinstance(message, bytes):
                continue
            count += 1
            if count == 2:
                await conn.send_json(transcript("Before the drop", "a1"))
                await conn.send_json(translation("Antes del corte", "a1"))
                await conn.send_json(transcript("cut in", "a2", final=False))
            if count == 4:
                conn.ws.transport.abort()
                return

    return behaviour


async def test_finals_before_and_after_the_drop_are_kept_and_the_session_goes_on(
    fake, leaks, open_browser, alice_cookie
):
    fake.behaviour = final_then_drop_mid_utterance()
    browser = await open_browser(alice_cookie)
    session_id = (await browser.start())["session_id"]

    await browser.send_audio(FRAME, frames=4)
    await browser.expect("status", state="reconnecting")
    await browser.expect("status", state="live")
    await browser.send_audio(FRAME, frames=5)
    await browser.expect("translation", final=True, text="enunciado 1")

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

    await browser.send({"type": "stop"})
    ended = (await browser.until_closed())[-1]

    assert ended["type"] == "ended"
    assert ended["status"] == "completed"
    session = await TranslationSession.objects.aget(pk=session_id)
    assert (session.status, session.error) == ("completed", "")
    await browser.leave()
    await leaks.check(fake)


async def _two_rows(session_id: int) -> list | None:
    rows = await utterances(session_id)
    return rows if len(rows) >= 2 else None

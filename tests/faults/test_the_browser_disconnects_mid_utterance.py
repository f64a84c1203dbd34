"""The browser goes away mid-utterance (tab closed, laptop lid shut, network gone).

The finals it had already received are kept; the utterance it was in the middle of (only
interim results so far) is not saved, because nothing final existed; the session ends
``completed`` with no error, because the user did nothing wrong; the service socket is
closed and no task, socket or thread is left behind. The same holds when the browser
leaves while the service connection is being re-established. A second session on a new
socket right afterwards starts at once, even with a limit of one session per user.
"""

from __future__ import annotations

import asyncio

import pytest
from django.test import override_settings

from interpreter.models import TranslationSession
from tests.fakekrisp import Connection, echo, transcript, translation

from .conftest import FRAME, eventually, kinds, utterances

pytestmark = pytest.mark.django_db(transaction=True)


async def one_final_then_an_interim(conn: Connection) -> None:
    await conn.ready()
    count = 0
    async for message in conn.frames_in():
        if isinstance(message, bytes):
            count += 1
            if count == 3:
                await conn.send_json(transcript("Said in full", "u1"))
                await conn.send_json(translation("Dicho entero", "u1"))
                await conn.send_json(transcript("half a sen", "u2", final=False))
                await conn.send_json(translation("media fra", "u2", final=False))


async def test_leaving_mid_utterance_keeps_the_finals_and_ends_completed(
    fake, leaks, open_browser, alice_cookie
):
    fake.behaviour = one_final_then_an_interim
    browser = await open_browser(alice_cookie)
    session_id = (await browser.start())["session_id"]
    await browser.send_audio(FRAME, frames=3)
    await browser.expect("translation", final=False, text="media fra")

    await browser.leave()

    assert kinds(browser.messages) == [
        "status:connecting",
        "ready",
        "transcript",
        "translation",
        "transcript",
        "translation",
    ]
    session = await TranslationSession.objects.aget(pk=session_id)
    assert (session.status, session.error) == ("completed", "")
    assert session.ended_at is not None
    assert session.audio_in_seconds == pytest.approx(3 * 0.02)
    assert await utterances(session_id) == [("u1", "Said in full", "Dicho entero")]
    await leaks.check(fake)


@override_settings(LIVE_MAX_SESSIONS_PER_USER=1)
async def test_a_second_session_on_a_new_socket_right_after_starts_at_once(
    fake, leaks, open_browser, alice_cookie
):
    fake.behaviour = echo(frames_per_utterance=5)
    first = await open_browser(alice_cookie)
    first_id = (await first.start())["session_id"]
    await first.send_audio(FRAME, frames=5)
    await first.expect("translation", final=True)
    await first.leave()

    second = await open_browser(alice_cookie)
    second_id = (await second.start())["session_id"]
    await second.send_audio(FRAME, frames=5)
    await second.expect("translation", final=True)
    await second.send({"type": "stop"})
    seen = await second.until_closed()
    await second.leave()

    assert second_id != first_id
    assert not [m for m in second.messages + seen if m["type"] == "error"]
    for session_id in (first_id, second_id):
        session = await TranslationSession.objects.aget(pk=session_id)
        assert (session.status, session.error) == ("completed", "")
        assert await utterances(session_id) == [("u1", "utterance 1", "enunciado 1")]
    await leaks.check(fake)


async def test_leaving_while_the_service_reconnects_ends_cleanly(
    fake, leaks, open_browser, alice_cookie
):
    dropped = asyncio.Event()
    seen: list[Connection] = []

    async def drop_then_come_back_slowly(conn: Connection) -> None:
        seen.append(conn)
        if len(seen) == 1:
            await conn.ready()
            await conn.send_json(transcript("Kept", "u1"))
            await conn.send_json(translation("Guardado", "u1"))
            await asyncio.sleep(0.2)
            conn.ws.transport.abort()
            dropped.set()
            return
        await asyncio.sleep(5)  # the browser leaves before this reconnect is ready
        await echo()(conn)

    fake.behaviour = drop_then_come_back_slowly
    browser = await open_browser(alice_cookie)
    session_id = (await browser.start())["session_id"]
    await browser.expect("status", state="reconnecting")
    await eventually(lambda: _at_least(fake, 2))

    await browser.leave()

    session = await TranslationSession.objects.aget(pk=session_id)
    assert (session.status, session.error) == ("completed", "")
    assert await utterances(session_id) == [("u1", "Kept", "Guardado")]
    await leaks.check(fake, seconds=8)


async def _at_least(fake, count: int) -> bool:
    return len(fake.connections) >= count

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

from tests.fakekrisp import Connection, echo, transcript, translation

from . import conftest as faults
from .conftest import FRAME, eventually, kinds, utterances

pytestmark = pytest.mark.django_db(transaction=True)


async def one_final_then_an_interim(conn: Connection) -> None:
    await conn.ready()
    async for count in faults.numbered_audio_frames(conn):
        if count == 3:
            await conn.send_json(transcript("Said in full", "u1"))
            await conn.send_json(translation("Dicho entero", "u1"))
            await conn.send_json(transcript("half a sen", "u2", final=False))
            await conn.send_json(translation("media fra", "u2", final=False))


async def test_leaving_mid_utterance_keeps_the_finals_and_ends_completed(
    fake, leaks, open_browser, alice_cookie
):
    fake.behaviour = one_final_then_an_interim
    browser, session_id = await faults.start_a_session(open_browser, alice_cookie)
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
    session = await faults.session_ended(session_id)
    assert session.ended_at is not None
    assert session.audio_in_seconds == pytest.approx(3 * 0.02)
    assert await utterances(session_id) == [("u1", "Said in full", "Dicho entero")]
    await leaks.check(fake)


@override_settings(LIVE_MAX_SESSIONS_PER_USER=1)
async def test_a_second_session_on_a_new_socket_right_after_starts_at_once(
    fake, leaks, open_browser, alice_cookie
):
    fake.behaviour = echo(frames_per_utterance=5)
    first, first_id = await faults.start_a_session(open_browser, alice_cookie)
    await first.send_audio(FRAME, frames=5)
    await first.expect("translation", final=True)
    await first.leave()

    second, second_id = await faults.start_a_session(open_browser, alice_cookie)
    await second.send_audio(FRAME, frames=5)
    await second.expect("translation", final=True)
    seen = await faults.stop_and_read_to_the_close(second)
    await second.leave()

    assert second_id != first_id
    assert not [m for m in second.messages + seen if m["type"] == "error"]
    for session_id in (first_id, second_id):
        await faults.session_ended(session_id)
        assert await utterances(session_id) == [("u1", "utterance 1", "enunciado 1")]
    await leaks.check(fake)


async def test_leaving_while_the_service_reconnects_ends_cleanly(
    fake, leaks, open_browser, alice_cookie
):
    async def drop(conn: Connection) -> None:
        await conn.ready()
        await conn.send_json(transcript("Kept", "u1"))
        await conn.send_json(translation("Guardado", "u1"))
        await asyncio.sleep(0.2)
        conn.ws.transport.abort()

    async def come_back_slowly(conn: Connection) -> None:
        await asyncio.sleep(5)  # the browser leaves before this reconnect is ready
        await echo()(conn)

    fake.behaviour = faults.first_connection_then(drop, come_back_slowly)
    browser, session_id = await faults.start_a_session(open_browser, alice_cookie)
    await browser.expect("status", state="reconnecting")
    await eventually(lambda: _at_least(fake, 2))

    await browser.leave()

    await faults.session_ended(session_id)
    assert await utterances(session_id) == [("u1", "Kept", "Guardado")]
    await leaks.check(fake, seconds=8)


async def _at_least(fake, count: int) -> bool:
    return len(fake.connections) >= count

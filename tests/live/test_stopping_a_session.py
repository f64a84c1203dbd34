"""Stop waits for the finals still in flight, then says where the session is saved."""

from __future__ import annotations

import asyncio

import pytest

from interpreter.models import TranslationSession
from tests import fakekrisp
from tests.fakekrisp import transcript, translation

from .conftest import FRAME, START, utterances

pytestmark = pytest.mark.django_db(transaction=True)


def late_finals(frames: int, delay: float):
    """Echo audio; ``delay`` seconds after the ``frames``-th frame, send the final."""

    async def behaviour(conn):
        await conn.ready()
        count = 0
        async for message in conn.frames_in():
            if isinstance(message, bytes):
                await conn.ws.send(message)
                count += 1
                if count == frames:
                    await asyncio.sleep(delay)
                    await conn.send_json(transcript("The last words", "u9"))
                    await conn.send_json(translation("Las últimas palabras", "u9"))

    return behaviour


async def test_stop_waits_for_the_tail_then_ends_the_session_completed(
    fake, open_browser, alice_cookie
):
    fake.behaviour = late_finals(frames=10, delay=1.0)
    browser = await open_browser(alice_cookie)
    session_id = (await browser.start())["session_id"]
    await browser.send_audio(FRAME, frames=10)

    await browser.send({"type": "stop"})
    seen = await browser.until_closed()

    kinds = [(m["type"], m.get("final")) for m in seen]
    assert kinds[-3:] == [("transcript", True), ("translation", True), ("ended", None)]
    assert seen[-1] == {
        "type": "ended",
        "status": "completed",
        "session_id": session_id,
        "history_url": f"/history/{session_id}/",
    }
    assert browser.close_code == 1000
    assert bytes(browser.audio) == FRAME * 10
    session = await TranslationSession.objects.aget(pk=session_id)
    assert (session.status, session.error) == ("completed", "")
    assert session.ended_at is not None
    assert session.audio_in_seconds == pytest.approx(0.2)
    assert session.audio_out_seconds == pytest.approx(0.2)
    assert await utterances(session_id) == [("u9", "The last words", "Las últimas palabras")]


async def test_audio_after_stop_is_not_sent_on(fake, open_browser, alice_cookie):
    fake.behaviour = late_finals(frames=1000, delay=0)
    browser = await open_browser(alice_cookie)
    await browser.start()
    await browser.send_audio(FRAME, frames=2)

    await browser.send({"type": "stop"})
    await browser.send_audio(FRAME, frames=2)
    seen = await browser.until_closed()

    assert [m["type"] for m in seen] == ["ended"]
    assert bytes(fake.connections[0].audio) == FRAME * 2


async def test_stop_before_ready_gives_up_on_the_start(fake, open_browser, alice_cookie):
    fake.behaviour = fakekrisp.stall()
    browser = await open_browser(alice_cookie)
    await browser.send(START)
    await browser.expect("status", state="connecting")

    await browser.send({"type": "stop"})
    seen = await browser.until_closed(seconds=5)

    session = await TranslationSession.objects.aget()
    assert seen[-1]["type"] == "ended"
    assert seen[-1]["status"] == session.status == "completed"


async def test_stop_before_start_just_closes(fake, open_browser, alice_cookie):
    browser = await open_browser(alice_cookie)

    await browser.send({"type": "stop"})

    assert await browser.until_closed() == []
    assert not await TranslationSession.objects.aexists()

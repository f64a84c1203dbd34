"""Whatever a page sends mid-session, the session survives it and ends cleanly."""

from __future__ import annotations

import pytest

from interpreter.models import TranslationSession
from tests import fakekrisp

from .conftest import FRAME, START

pytestmark = pytest.mark.django_db(transaction=True)

GARBAGE_TEXT = [
    "",
    " ",
    "{",
    "0",
    "[]",
    '{"type": null}',
    '{"type": ["stop"]}',
    '{"type": "START"}',
    '"\\ud800"',
    "x" * 100_000,
]
GARBAGE_AUDIO = [b"", b"\x00", b"\xff" * 641, b"\x00" * 40_000]


async def test_garbage_earns_errors_and_the_session_goes_on(fake, open_browser, alice_cookie):
    fake.behaviour = fakekrisp.echo(frames_per_utterance=5)
    browser = await open_browser(alice_cookie)
    session_id = (await browser.start())["session_id"]

    for text in GARBAGE_TEXT:
        await browser.ws.send_input({"type": "websocket.receive", "text": text})
    for pcm in GARBAGE_AUDIO:
        await browser.ws.send_input({"type": "websocket.receive", "bytes": pcm})
    await browser.send(START)
    await browser.send_audio(FRAME, frames=5)
    await browser.expect("translation", final=True)
    await browser.send({"type": "stop"})
    seen = await browser.until_closed()

    errors = [m for m in browser.messages if m["type"] == "error"]
    assert errors
    assert not any(error["fatal"] for error in errors)
    assert seen[-1]["type"] == "ended"
    assert seen[-1]["status"] == "completed"
    session = await TranslationSession.objects.aget(pk=session_id)
    assert session.status == "completed"
    assert bytes(fake.connections[0].audio) == FRAME * 5

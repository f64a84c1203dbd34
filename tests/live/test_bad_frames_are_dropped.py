"""Audio the service can't use is dropped with one error per kind; the session goes on."""

from __future__ import annotations

import pytest
from django.test import override_settings

from interpreter.live import protocol
from tests import fakekrisp

from .conftest import FRAME

pytestmark = pytest.mark.django_db(transaction=True)


async def test_audio_before_ready_is_dropped_with_one_error(fake, open_browser, alice_cookie):
    browser = await open_browser(alice_cookie)

    await browser.send_audio(FRAME, frames=3)
    ready = await browser.start()

    errors = [m for m in browser.messages if m["type"] == "error"]
    assert errors == [
        {
            "type": "error",
            "code": "bad_request",
            "message": protocol.AUDIO_BEFORE_READY,
            "fatal": False,
        }
    ]
    assert ready["session_id"]
    assert fake.connections[0].audio == b""


async def test_an_odd_length_frame_is_dropped(fake, open_browser, alice_cookie):
    fake.behaviour = fakekrisp.echo(frames_per_utterance=5)
    browser = await open_browser(alice_cookie)
    await browser.start()

    await browser.send_audio(FRAME + b"\x00")
    await browser.send_audio(b"\x00" * 3)
    error = await browser.expect("error")
    await browser.send_audio(FRAME, frames=5)
    await browser.expect("translation", final=True)

    assert (error["code"], error["message"], error["fatal"]) == (
        "bad_request",
        protocol.ODD_FRAME,
        False,
    )
    assert [m for m in browser.messages if m["type"] == "error"] == [error]
    assert bytes(fake.connections[0].audio) == FRAME * 5


@override_settings(LIVE_MAX_FRAME_BYTES=1280)
async def test_an_oversized_frame_is_dropped(fake, open_browser, alice_cookie):
    fake.behaviour = fakekrisp.echo(frames_per_utterance=5)
    browser = await open_browser(alice_cookie)
    await browser.start()

    await browser.send_audio(FRAME * 3)
    error = await browser.expect("error")
    await browser.send_audio(FRAME * 2, frames=5)
    await browser.expect("translation", final=True)

    assert error == {
        "type": "error",
        "code": "frame_too_large",
        "message": "An audio frame was larger than 1280 bytes; it was skipped.",
        "fatal": False,
    }
    assert bytes(fake.connections[0].audio) == FRAME * 10

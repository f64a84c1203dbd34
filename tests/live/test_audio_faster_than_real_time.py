"""Audio seconds ahead of the wall clock is not a live source: the session is stopped."""

from __future__ import annotations

import pytest

from interpreter.live import protocol
from interpreter.models import TranslationSession

from .conftest import FRAME

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_burst_of_more_than_three_seconds_stops_the_session(
    fake, open_browser, alice_cookie
):
    browser = await open_browser(alice_cookie)
    session_id = (await browser.start())["session_id"]

    await browser.send_audio(FRAME, frames=200)  # 4 s of audio at once
    seen = await browser.until_closed()

    assert seen[-2] == {
        "type": "error",
        "code": "too_fast",
        "message": protocol.TOO_FAST,
        "fatal": True,
    }
    assert seen[-1]["status"] == "failed"
    session = await TranslationSession.objects.aget(pk=session_id)
    assert (session.status, session.error) == ("failed", protocol.TOO_FAST)
    # The bucket refills while the burst arrives, so a little over 3 s gets through.
    assert session.audio_in_seconds < 3.5
    assert len(fake.connections[0].audio) < 3.5 * 32000


async def test_a_burst_within_the_allowance_is_fine(fake, open_browser, alice_cookie):
    browser = await open_browser(alice_cookie)
    await browser.start()

    await browser.send_audio(FRAME, frames=100)  # 2 s at once, as after a network hiccup
    await browser.expect_audio(len(FRAME) * 100)

    assert not [m for m in browser.messages if m["type"] == "error"]

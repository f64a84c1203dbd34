"""A session that reaches LIVE_MAX_SESSION_SECONDS ends as completed, saying why."""

from __future__ import annotations

import pytest
from django.test import override_settings

from interpreter.live import protocol
from interpreter.models import TranslationSession

from .conftest import FRAME

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(LIVE_MAX_SESSION_SECONDS=1)
async def test_a_session_at_its_maximum_length_is_ended_as_completed(
    fake, open_browser, alice_cookie
):
    browser = await open_browser(alice_cookie)
    session_id = (await browser.start())["session_id"]
    await browser.send_audio(FRAME, frames=5)

    seen = await browser.until_closed()

    assert seen[-2] == {
        "type": "error",
        "code": "too_long",
        "message": protocol.too_long(1),
        "fatal": False,
    }
    assert seen[-1]["type"] == "ended"
    assert seen[-1]["status"] == "completed"
    session = await TranslationSession.objects.aget(pk=session_id)
    assert (session.status, session.error) == ("completed", "")
    assert session.audio_in_seconds == pytest.approx(0.1)

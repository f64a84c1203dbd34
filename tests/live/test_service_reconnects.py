"""When the service drops mid-utterance the page hears "reconnecting", then "live" again."""

from __future__ import annotations

import pytest

from interpreter.models import TranslationSession
from tests import fakekrisp

from .conftest import FRAME, eventually, utterances

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_dropped_service_reconnects_and_the_session_carries_on(
    fake, open_browser, alice_cookie
):
    fake.behaviour = fakekrisp.drop_after_audio(5, then=fakekrisp.echo(frames_per_utterance=5))
    browser = await open_browser(alice_cookie)
    session_id = (await browser.start())["session_id"]
    await browser.expect("transcript", text="half an", final=False)

    await browser.send_audio(FRAME, frames=5)
    reconnecting = await browser.expect("status", state="reconnecting")
    live = await browser.expect("status", state="live")
    await browser.send_audio(FRAME, frames=5)
    await browser.expect("translation", final=True)

    assert "reconnecting" in reconnecting["message"]
    assert live["message"].startswith("Live again")
    assert len(fake.connections) == 2
    assert fake.connections[1].reference_id() == str(session_id)
    assert await eventually(lambda: utterances(session_id)) == [
        ("u1", "utterance 1", "enunciado 1")
    ]
    session = await TranslationSession.objects.aget(pk=session_id)
    assert session.status == "running"

"""An engine that fails on one utterance: the page gets a non-fatal error (its alert) and,
once captions come again, a ``live`` status (which clears the alert); the session goes on
and the saved session says when the engine failed, on its page and in the history list.

The service is localvt itself, run in-process with its real models, told through its own
fault seam (``ServerOptions.faults``, as ``LOCALVT_INJECT_FAULTS`` in production) to fail
the first recognition of each session. The speech is eSpeak NG's.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.test import Client, override_settings

from interpreter.live.protocol import ENGINE_FAULT
from interpreter.models import TranslationSession
from localvt.faults import FaultPlan
from localvt.keys import DEV_API_KEY
from localvt.server import LocalVT, ServerOptions
from tests.localvt.speech import espeak_clip

pytestmark = [pytest.mark.models, pytest.mark.django_db(transaction=True)]

SILENCE = b"\0" * 32000


@pytest.fixture
async def faulty_localvt(localvt_engines):
    plan = FaultPlan.parse("recognition:1")
    server = LocalVT(localvt_engines, ServerOptions(api_keys={DEV_API_KEY}, faults=plan))
    await server.start("127.0.0.1", 0)
    base = f"127.0.0.1:{server.port}"
    with override_settings(
        KRISP_API_KEY=DEV_API_KEY,
        KRISP_API_BASE=f"http://{base}/v2/sdk",
        KRISP_WS_URL=f"ws://{base}/vt",
        VOICE_BACKEND="localvt",
    ):
        yield server
    await server.stop()


async def speak(browser, pcm: bytes) -> None:
    """Send ``pcm`` in 20 ms frames at about real time (the app stops a faster source)."""
    for offset in range(0, len(pcm), 640):
        await browser.send_audio(pcm[offset : offset + 640])
        await asyncio.sleep(0.018)


async def test_the_fault_is_shown_then_cleared_and_the_session_records_when(
    faulty_localvt, open_browser, alice, alice_cookie, tmp_path
):
    first = espeak_clip("Good morning everyone, thank you for coming.", tmp_path)
    second = espeak_clip("The budget meeting starts at nine tomorrow.", tmp_path)
    browser = await open_browser(alice_cookie)
    ready = await browser.start()

    await speak(browser, first + SILENCE)
    error = await browser.expect("error", seconds=30)
    await speak(browser, second + SILENCE)
    live_again = await browser.expect("status", seconds=30, state="live")
    transcript = await browser.expect("transcript", seconds=30, final=True)
    await browser.send({"type": "stop"})
    ended = await browser.expect("ended", seconds=20)

    assert error == {
        "type": "error",
        "code": "service_unavailable",
        "message": ENGINE_FAULT,
        "fatal": False,
    }
    assert live_again["message"] == "Live again."
    assert "budget" in transcript["text"].lower()
    assert ended["status"] == "completed"
    session = await TranslationSession.objects.aget(pk=ready["session_id"])
    (fault,) = session.faults
    # The first utterance was over (about 3 s of speech) before the engine failed on it.
    assert 2000 <= fault <= 30000
    assert session.ended_at - session.started_at >= timedelta(milliseconds=fault)

    said = f"The engine failed at 00:{fault // 1000:02d}"
    history, detail = await sync_to_async(pages)(alice, session.pk)
    assert said in history
    assert said in detail


def pages(user, session_id: int) -> tuple[str, str]:
    client = Client()
    client.force_login(user)
    history = client.get("/history/").content.decode()
    detail = client.get(f"/history/{session_id}/").content.decode()
    return history, detail

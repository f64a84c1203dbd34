"""The service takes 1.5 s to say ready (a cold start, a slow network).

The page sees "connecting" at once and "ready" only when the service is ready; audio the
browser sends while it waits is dropped with one non-fatal error (it was never sent on);
after ready the session works normally. A service slower than the ready timeout fails the
session with a clear message and keeps nothing half-open.
"""

from __future__ import annotations

import asyncio

import pytest

from interpreter.live import protocol
from interpreter.models import TranslationSession
from krisp import KrispConnectionError
from tests.fakekrisp import Behaviour, Connection, echo

from . import conftest as faults
from .conftest import FRAME, START, kinds, utterances

pytestmark = pytest.mark.django_db(transaction=True)


def ready_after(seconds: float) -> Behaviour:
    async def behaviour(conn: Connection) -> None:
        await asyncio.sleep(seconds)
        await echo(frames_per_utterance=5)(conn)

    return behaviour


async def test_a_ready_after_one_and_a_half_seconds_is_waited_for(
    fake, leaks, open_browser, alice_cookie
):
    fake.behaviour = ready_after(1.5)
    loop = asyncio.get_running_loop()
    browser = await open_browser(alice_cookie)
    started = loop.time()

    await browser.send(START)
    await browser.expect("status", state="connecting", seconds=1)
    connecting_after = loop.time() - started
    await browser.send_audio(FRAME, frames=3)  # too early: dropped, reported once
    ready = await browser.expect("ready", seconds=5)
    ready_after_s = loop.time() - started
    await browser.send_audio(FRAME, frames=5)
    await browser.expect("translation", final=True)
    seen = await faults.stop_and_read_to_the_close(browser)

    assert connecting_after < 1.0
    assert 1.5 <= ready_after_s < 4.0
    assert kinds(browser.messages)[:3] == ["status:connecting", "error", "ready"]
    assert browser.messages[1] == faults.page_error(
        "bad_request", protocol.AUDIO_BEFORE_READY, fatal=False
    )
    assert bytes(fake.connections[0].audio) == FRAME * 5  # only audio sent after ready
    assert seen[-1]["status"] == "completed"
    assert await utterances(ready["session_id"]) == [("u1", "utterance 1", "enunciado 1")]
    await browser.leave()
    await leaks.check(fake)


async def test_a_service_slower_than_the_ready_timeout_fails_the_start(
    fake, leaks, short_timeouts, open_browser, alice_cookie
):
    fake.behaviour = ready_after(short_timeouts.ready_timeout + 1.0)
    browser = await open_browser(alice_cookie)

    await browser.send(START)
    seen = await browser.until_closed(seconds=10)

    message = KrispConnectionError.user_message
    assert kinds(seen) == ["status:connecting", "error", "ended"]
    assert seen[1] == faults.page_error("service_unavailable", message, fatal=True)
    session = await TranslationSession.objects.aget()
    assert (session.status, session.error) == ("failed", message)
    assert seen[2]["status"] == "failed"
    assert browser.close_code == 1000
    await browser.leave()
    await leaks.check(fake)

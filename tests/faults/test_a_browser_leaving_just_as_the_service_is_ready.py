"""The browser stops (or leaves) in the same instant the service says ready.

Both paths end in ``LiveSession.close()``, which cancels the session's task. On Python
3.11, ``asyncio.wait_for`` drops a cancellation that arrives in the loop iteration in which
the awaited coroutine finishes (CPython gh-86296). The fuzz suite found that a stop sent
right behind a valid start could cross the service's ready that way: the session went live
with nobody attached and close() waited on it. The ready wait now uses ``asyncio.timeout``
and close() cancels until the task is really done; this test runs the real close() at the
instant ready has been read.
"""

from __future__ import annotations

import asyncio

import pytest

from interpreter.live.session import LiveSession
from interpreter.models import TranslationSession
from krisp.stream import KrispStream
from tests.fakekrisp import echo

from .conftest import START, eventually

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def close_when_ready_arrives(monkeypatch):
    """Run ``LiveSession.close()`` at the instant the service's ready has been read."""
    sessions: list[LiveSession] = []
    closers: list[asyncio.Task] = []
    init = LiveSession.__init__
    await_ready = KrispStream._await_ready

    def remember(self, *args, **kwargs):
        init(self, *args, **kwargs)
        sessions.append(self)

    async def ready_then_close(self, ws):
        await await_ready(self, ws)
        closers.append(asyncio.ensure_future(sessions[-1].close()))
        await asyncio.sleep(0)  # the closer cancels the session task; then ready returns

    monkeypatch.setattr(LiveSession, "__init__", remember)
    monkeypatch.setattr(KrispStream, "_await_ready", ready_then_close)
    return closers


async def test_a_close_that_crosses_ready_still_ends_the_session(
    fake, open_browser, alice_cookie, close_when_ready_arrives
):
    fake.behaviour = echo()
    browser = await open_browser(alice_cookie)
    await browser.send(START)
    await browser.expect("status", state="connecting")
    assert await eventually(lambda: _started(close_when_ready_arrives))

    await asyncio.wait_for(close_when_ready_arrives[0], 3)

    assert "ready" not in [m["type"] for m in browser.messages]
    session = await TranslationSession.objects.aget()
    assert session.status == "completed"
    assert session.ended_at is not None


async def _started(closers: list[asyncio.Task]) -> bool:
    return bool(closers)

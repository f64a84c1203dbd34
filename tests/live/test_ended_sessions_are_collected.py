"""Sessions' objects are freed when they end, and what sits in cycles soon after.

The session's own objects are freed by reference counting as its socket closes. What the
server's libraries leave in reference cycles only a full collection frees
(``interpreter.live.collector``). Python's own collections are switched off here, so the
only full collection is the one the sessions' ends asked for.
"""

from __future__ import annotations

import asyncio
import gc

import pytest
from django.test import override_settings

from interpreter.live import collector
from interpreter.live.session import LiveSession

from .conftest import start_with_finals

pytestmark = pytest.mark.django_db(transaction=True)

DELAY = 0.3


@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setattr(collector, "DELAY_SECONDS", DELAY)
    monkeypatch.setattr(LiveSession, "TAIL_QUIET_SECONDS", 0.1)


@pytest.fixture
def full_collections():
    """Python's automatic collection off; the full collections that run meanwhile."""
    seen: list[dict] = []

    def note(phase: str, info: dict) -> None:
        if phase == "stop" and info["generation"] == 2:
            seen.append(info)

    gc.collect()
    gc.disable()
    gc.callbacks.append(note)
    yield seen
    gc.callbacks.remove(note)
    gc.enable()


def live_sessions() -> int:
    return sum(type(o) is LiveSession for o in gc.get_objects())


@override_settings(LIVE_MAX_SESSIONS_PER_USER=3)
async def test_sessions_ending_together_are_freed_by_one_collection_soon_after(
    fake, quick, full_collections, open_browser, alice_cookie
):
    browsers = [(await start_with_finals(fake, open_browser, alice_cookie, 1))[0] for _ in range(3)]

    for browser in browsers:
        await browser.send({"type": "stop"})
    for browser in browsers:
        await browser.until_closed()
        await browser.leave()  # the page's side of the close
    await asyncio.sleep(DELAY + 0.3)

    assert live_sessions() == 0
    assert len(full_collections) == 1


async def test_a_session_the_page_leaves_mid_stream_is_freed_without_a_collection(
    fake, monkeypatch, full_collections, open_browser, alice_cookie
):
    monkeypatch.setattr(collector, "DELAY_SECONDS", 60.0)  # not within this test
    browser, _ = await start_with_finals(fake, open_browser, alice_cookie, 1)

    await browser.leave()  # cancels the session's tasks mid-stream
    await asyncio.sleep(0.1)

    assert live_sessions() == 0
    assert full_collections == []

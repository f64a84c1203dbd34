"""The consumer reads its one message source directly: no task per frame, and a disconnect
still ends the application (Channels' StopConsumer)."""

from __future__ import annotations

import asyncio

import pytest

from .conftest import FRAME

pytestmark = pytest.mark.django_db(transaction=True)


def reads_in_their_own_task() -> list[asyncio.Task]:
    """Tasks whose whole job is one read of an ASGI queue, as Channels' loop creates them."""
    return [t for t in asyncio.all_tasks() if t.get_coro().__qualname__ == "Queue.get"]


async def test_frames_are_read_without_a_task_each(fake, open_browser, alice_cookie):
    browser = await open_browser(alice_cookie)
    await browser.start()
    await browser.send_audio(FRAME, frames=5)
    await browser.expect_audio(len(FRAME) * 5)

    assert reads_in_their_own_task() == []


async def test_a_disconnect_ends_the_application(fake, open_browser, alice_cookie):
    browser = await open_browser(alice_cookie)
    await browser.start()

    await browser.ws.send_input({"type": "websocket.disconnect", "code": 1001})

    await asyncio.wait_for(asyncio.shield(browser.ws.future), 5)
    assert browser.ws.future.exception() is None

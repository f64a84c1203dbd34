"""Waits on the channel layer end, and never hang whoever ends them.

A receive cancelled inside channels_redis's list-based layer now and then never ended (see
``interpreter.live.channel_listening``): a listener is cancelled, but waited for only within a
bound, and a wait with a deadline gets its answer or None in time.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from channels.layers import InMemoryChannelLayer

from interpreter.live import channel_listening
from interpreter.live.channel_listening import receive_within, stop_listening

pytestmark = pytest.mark.asyncio


async def test_a_listener_is_cancelled_and_ended():
    layer = InMemoryChannelLayer()
    channel = await layer.new_channel()
    task = asyncio.create_task(layer.receive(channel))
    await asyncio.sleep(0.01)

    await stop_listening(task)

    assert task.cancelled()


async def test_a_listener_that_will_not_end_does_not_hang_who_stops_it(monkeypatch):
    monkeypatch.setattr(channel_listening, "STOP_TIMEOUT", 0.1)
    layer = InMemoryChannelLayer()
    channel = await layer.new_channel()

    released = False

    async def swallows_cancels() -> None:  # as the stuck receive did, until released
        while True:
            try:
                await layer.receive(channel)
            except asyncio.CancelledError:
                if released:
                    raise

    task = asyncio.create_task(swallows_cancels())
    await asyncio.sleep(0.01)
    began = time.monotonic()

    await stop_listening(task)

    assert time.monotonic() - began < 1.0
    assert not task.done()
    released = True
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_nothing_to_stop_is_fine():
    await stop_listening(None)


async def test_a_wait_with_a_deadline_gets_the_message_it_wants():
    layer = InMemoryChannelLayer()
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "other"})
    await layer.send(channel, {"type": "wanted", "n": 1})

    got = await receive_within(layer, channel, 1.0, lambda m: m["type"] == "wanted")

    assert got == {"type": "wanted", "n": 1}


async def test_a_wait_past_its_deadline_is_none_and_leaves_no_receive_behind():
    layer = InMemoryChannelLayer()
    channel = await layer.new_channel()

    got = await receive_within(layer, channel, 0.05, lambda m: True)

    await asyncio.sleep(0)
    assert got is None
    assert not [t for t in asyncio.all_tasks() if t.get_name() == "channel-receive"]

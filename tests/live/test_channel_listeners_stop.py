"""A task listening on a channel ends when asked, without its receive being cancelled.

A receive cancelled inside channels_redis can fail to end (see
``interpreter.live.channel_listening``); the sessions' and rooms' listeners are woken by a
message instead, and only a listener that ignores it is cancelled.
"""

from __future__ import annotations

import asyncio

import pytest
from channels.layers import InMemoryChannelLayer

from interpreter.live import channel_listening
from interpreter.live.channel_listening import is_stop, receive_within, stop_listening

pytestmark = pytest.mark.asyncio


async def test_a_listener_that_heeds_the_message_returns_on_its_own():
    layer = InMemoryChannelLayer()
    channel = await layer.new_channel()
    seen: list[str] = []

    async def listen() -> None:
        while True:
            message = await layer.receive(channel)
            if is_stop(message):
                return
            seen.append(message["type"])

    task = asyncio.create_task(listen())
    await layer.send(channel, {"type": "something.else"})
    await asyncio.sleep(0.01)
    await stop_listening(layer, channel, task)
    assert task.done() and not task.cancelled()
    assert seen == ["something.else"]


async def test_a_listener_that_ignores_it_is_cancelled_after_the_timeout(monkeypatch):
    monkeypatch.setattr(channel_listening, "STOP_TIMEOUT", 0.05)
    layer = InMemoryChannelLayer()
    channel = await layer.new_channel()

    async def deaf() -> None:
        while True:
            await layer.receive(channel)

    task = asyncio.create_task(deaf())
    await asyncio.sleep(0.01)
    await stop_listening(layer, channel, task)
    await asyncio.sleep(0)
    assert task.cancelled()


async def test_nothing_to_stop_is_fine():
    layer = InMemoryChannelLayer()
    await stop_listening(layer, await layer.new_channel(), None)


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
    before = {t for t in asyncio.all_tasks() if t.get_name() == "channel-receive"}

    got = await receive_within(layer, channel, 0.05, lambda m: True)

    await asyncio.sleep(0)
    assert got is None
    left = {t for t in asyncio.all_tasks() if t.get_name() == "channel-receive"} - before
    assert not left

"""Waiting on a channel layer's ``receive`` without ever hanging on it.

A task waiting in ``receive`` is ended by cancelling it: with channels_redis's pub/sub layer
(the one used with Redis, docs/rooms.md) that is also what unsubscribes its channel. But the
cancelled task is waited for only within a bound: a receive cancelled inside channels_redis's
other layer (``core``, 4.3.0 with redis-py 8.1.0) now and then never ended, and a session
that waited for it never closed (one run in four of eight sessions on two workers).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

# How long a cancelled receive may take to end before nobody waits for it any more.
STOP_TIMEOUT = 2.0


async def stop_listening(task: asyncio.Task | None) -> None:
    """Cancel ``task``, a loop waiting on the channel layer, and wait a bounded time."""
    if task is None or task.done():
        return
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=STOP_TIMEOUT)
    if not done:
        logger.warning("A channel listener (%s) did not end when cancelled", task.get_name())


async def receive_within(
    layer, channel: str, seconds: float, wanted: Callable[[dict], bool]
) -> dict | None:
    """The first message on ``channel`` that ``wanted`` accepts, if one comes within
    ``seconds``; else None."""

    async def listen() -> dict:
        while True:
            message = await layer.receive(channel)
            if wanted(message):
                return message

    task = asyncio.create_task(listen(), name="channel-receive")
    try:
        done, _ = await asyncio.wait({task}, timeout=seconds)
    except BaseException:  # the caller was cancelled: nobody waits for the answer now
        task.cancel()
        raise
    if not done:
        await stop_listening(task)
    return task.result() if task.done() and not task.cancelled() else None

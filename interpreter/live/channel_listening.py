"""Ending a task that waits in a channel layer's ``receive``, without cancelling the receive.

A receive cancelled inside channels_redis (seen with 4.3.0 and redis-py 8.1.0) now and then
never ends: the task stays "cancelling" on a future nobody completes, and whatever awaits it
hangs (a session that would not close, in about one run in four of eight sessions on two
workers). So a listening loop is woken by a message on its own channel and returns; it is
cancelled only if that message does not end it in time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

# The message a listening loop returns on.
STOP = "listener.stop"
# How long a loop gets to wake and end before it is cancelled (and no longer waited for).
STOP_TIMEOUT = 2.0


def is_stop(message: dict) -> bool:
    """Whether ``message`` tells the loop that received it to return."""
    return message.get("type") == STOP


async def stop_listening(layer, channel: str, task: asyncio.Task | None) -> None:
    """End ``task``, a loop receiving on ``channel`` that returns on :func:`is_stop`."""
    if task is None or task.done():
        return
    with contextlib.suppress(Exception):  # a layer that fails here: the cancel below
        await layer.send(channel, {"type": STOP})
    done, _ = await asyncio.wait({task}, timeout=STOP_TIMEOUT)
    if not done:
        logger.warning("A channel listener (%s) did not stop when asked; cancelled", task)
        task.cancel()


async def receive_within(
    layer, channel: str, seconds: float, wanted: Callable[[dict], bool]
) -> dict | None:
    """The first message on ``channel`` that ``wanted`` accepts, if one comes within
    ``seconds``; else None. At the deadline the receive is woken, not cancelled."""

    async def listen() -> dict | None:
        while True:
            message = await layer.receive(channel)
            if is_stop(message):
                return None
            if wanted(message):
                return message

    task = asyncio.create_task(listen(), name="channel-receive")
    try:
        done, _ = await asyncio.wait({task}, timeout=seconds)
        if not done:
            await stop_listening(layer, channel, task)
    finally:
        if not task.done():  # the caller was cancelled meanwhile: nobody waits for it now
            task.cancel()
    return task.result() if task.done() and not task.cancelled() else None

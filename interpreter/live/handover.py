"""Handing a live session over to the connection that resumes it, on any worker.

When a page loses its socket without the server noticing (a network drop leaves the old
connection half-open until daphne's ping gives up, up to ~50 s), the page's resume reaches a
server while the old connection still carries the session. The old one must stop first:
finish collecting the finals of audio it already sent, write them, and let go of the row;
only then does the new connection know where the saved transcript ends, and so where the
audio it needs begins.

They meet through the channel layer (Redis across workers): the carrying session listens on
a group named after its row; the resuming connection sends ``live.takeover`` with a channel
to answer on, and waits for ``live.released`` a bounded time. A worker that crashed never
answers: the wait just runs out. Nothing here is on the audio path; each carrying session
has one task that sleeps on its channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from channels.layers import get_channel_layer

from .channel_listening import receive_within, stop_listening

logger = logging.getLogger(__name__)

# Long enough for a session to collect its tail (LiveSession.HANDOVER_TAIL_MAX_SECONDS) and
# write it; a crashed worker costs a resume this long.
RELEASE_TIMEOUT = 6.0


def group_name(session_id: int) -> str:
    return f"live-session-{session_id}"


class HandoverListener:
    """Listens, for a session being carried, for a connection that takes it over."""

    def __init__(self, session_id: int, release: Callable[[], Awaitable[dict]]) -> None:
        self.session_id = session_id
        self._release = release
        self._layer = get_channel_layer()
        self._channel = ""
        self._task: asyncio.Task | None = None
        self.answering: asyncio.Task | None = None

    async def start(self) -> None:
        self._channel = await self._layer.new_channel()
        await self._layer.group_add(group_name(self.session_id), self._channel)
        self._task = asyncio.create_task(self._listen(), name="live-handover")

    async def stop(self) -> None:
        """Stop listening; a takeover already being answered is not interrupted."""
        task, self._task = self._task, None
        await stop_listening(task)
        if self._channel:
            with contextlib.suppress(Exception):
                await self._layer.group_discard(group_name(self.session_id), self._channel)

    async def _listen(self) -> None:
        while True:
            message = await self._layer.receive(self._channel)
            reply_to = message.get("reply_to")
            if message.get("type") == "live.takeover" and isinstance(reply_to, str):
                # Answered on a task of its own: releasing ends the session, which stops
                # this listener, and the answer must still go out.
                self.answering = asyncio.create_task(
                    self._answer(reply_to), name="live-handover-answer"
                )
                return

    async def _answer(self, reply_to: str) -> None:
        try:
            released = await self._release()
        except Exception:
            logger.exception("Live session %s could not be handed over", self.session_id)
            released = {}
        with contextlib.suppress(Exception):
            await self._layer.send(reply_to, {"type": "live.released", **released})


async def take_over(session_id: int) -> dict | None:
    """Ask whoever carries ``session_id`` to let go; its answer, or None when nobody
    answered within :data:`RELEASE_TIMEOUT` (no live connection, or a worker that died)."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_send(group_name(session_id), {"type": "live.takeover", "reply_to": channel})
    return await receive_within(
        layer, channel, RELEASE_TIMEOUT, lambda message: message.get("type") == "live.released"
    )

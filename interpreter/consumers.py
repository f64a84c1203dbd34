"""The live interpreter's WebSocket: authenticate, then hand every frame to a LiveSession.

Strangers are refused before ``accept()``, so they never reach the session logic; the
session itself (validation, limits, the service stream, persistence) lives in
``interpreter.live``.
"""

from __future__ import annotations

import asyncio
import contextlib

from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer

from interpreter.live import collector
from interpreter.live.session import LiveSession
from interpreter.live.store import account_for_scope


class LiveConsumer(AsyncWebsocketConsumer):
    """``/ws/live/``: binary frames are PCM audio, text frames are JSON control messages."""

    live: LiveSession | None = None

    async def __call__(self, scope: dict, receive, send) -> None:
        """Run the connection: one ASGI message at a time, in order, until the disconnect.

        Channels' loop (``await_many_dispatch``) waits on the socket and the channel layer
        at once, so every message costs a task and two extra event-loop hops; at 50 frames a
        second per page that was a measurable share of daphne's CPU. This socket has only
        the one source: nothing addresses a live page through the channel layer (audio stays
        on the socket that carries it), so it holds no layer channel and reads ``receive``
        directly. The disconnect handler ends the loop by raising ``StopConsumer``, as in
        Channels; a cancel (daphne giving up on the app, or stopping) interrupts the read.
        """
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        try:
            with contextlib.suppress(StopConsumer):
                while True:
                    await self.dispatch(await receive())
        except asyncio.CancelledError:
            # daphne cancels every connection's app when the server is told to stop (SIGTERM,
            # SIGINT), and waits for them before it exits: end the session properly first.
            if self.live is not None:
                await self.live.shut_down()
                self.live = None
            raise

    async def connect(self) -> None:
        """Runs when a page opens the socket: only signed-in members of an account get in."""
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close()
            return
        account = await account_for_scope(self.scope)
        if account is None:
            await self.close()
            return
        self.live = LiveSession(self, user, account)
        await self.accept()

    async def dispatch(self, message: dict) -> None:
        """Runs for every ASGI message. Audio frames skip Channels' per-message
        ``close_old_connections``, a hop to the one sync worker thread that, at 50 frames a
        second per page, stalled every session under load (see docs/benchmarks.md). The
        session reaches the database only through ``database_sync_to_async``, which
        closes stale connections itself."""
        if message["type"] == "websocket.receive":
            await self.websocket_receive(message)
        else:
            await super().dispatch(message)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Runs for each frame the page sends, one at a time and in order."""
        if bytes_data is not None:
            await self.live.receive_audio(bytes_data)
        elif text_data is not None:
            await self.live.receive_text(text_data)

    async def disconnect(self, code: int) -> None:
        """Runs once the socket is closed, by either side: end the session, keep what's saved."""
        if self.live is not None:
            await self.live.close()
            self.live = None  # the session refers back to this consumer: no cycle left behind
            collector.session_ended()

"""``/ws/listen/<token>/?language=<code>``: one listener of a room, in one language.

A listener only receives: the room's captions and translated speech in its language (from
the speaker's hub on whatever worker carries the speaker, through the channel layer), the
last minutes' captions when it joins late, and whether the speaker is live. The one frame it
may send is how much speech it has received (flow control, below); anything else is
refused, and a guest can do nothing else with the socket. Switching language is a new socket.

Refused with an ``error`` and a close code: a link that doesn't open (unknown, rotated,
expired), a members-only room for someone who isn't a member, a guest over the per-address
join rate, a language the room doesn't offer. The socket is accepted first, because a close
before ``accept()`` reaches a browser as an HTTP 403 (close code 1006) and the page could
not say why. A rotated, expired or re-scoped link, or a deleted room, closes the sockets it
no longer admits within a second (``room.link_changed``, and a timer for the expiry).

A slow listener never slows anyone: captions are small and go at once, but speech waits in
this socket's own queue, sent only while the page has acknowledged all but
``WINDOW_SECONDS`` of it; past ``QUEUE_SECONDS`` the oldest speech is dropped, counted and
the page told it is catching up. The hub's ``group_send`` never waits on a listener.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from accounts.client_address import client_address_of_scope
from voice.client import voice_client
from voice.languages import language_choices

from . import events
from .models import Room

logger = logging.getLogger(__name__)

BYTES_PER_SECOND = 32000
WINDOW_SECONDS = 3.0  # speech in flight to the page, not yet acknowledged
QUEUE_SECONDS = 10.0  # speech waiting here; past it the oldest is dropped
JOIN_WINDOW_SECONDS = 60
# A live hub tells a listener who joins that the speaker is live within this, and tells all
# its listeners again every ``events.PRESENCE_SECONDS``; a listener that hears nothing that
# long believes the speaker gone (their worker stopped without saying so).
SPEAKER_ANSWER_SECONDS = 3.0
SPEAKER_SILENT_SECONDS = events.PRESENCE_SECONDS * 2.5
SPEAKER_LOST = "lost"
# Close codes: the link no longer admits this listener; the hub refused the language; too
# many guest joins from this address.
LINK_CLOSED = 4403
REFUSED = 4409
TOO_MANY = 4429
LINK_CLOSED_MESSAGE = "This room's link no longer opens it. Ask the organiser for a new one."
TOO_MANY_MESSAGE = (
    "Too many people joined from your network just now. Wait a minute and reload the page."
)
LANGUAGE_NOT_OFFERED = "This room doesn't offer that language. Choose another one."


class ListenerConsumer(AsyncWebsocketConsumer):
    """One listener's socket; see the module docstring."""

    room: Room | None = None
    _tasks: tuple[asyncio.Task, ...] | list[asyncio.Task] = ()

    async def connect(self) -> None:
        """Runs when a listener page opens the socket: refused unless the link admits it."""
        token = self.scope["url_route"]["kwargs"]["token"]
        query = parse_qs(self.scope.get("query_string", b"").decode())
        self.language = (query.get("language") or [events.ORIGINAL])[0]
        user = self.scope["user"]
        room = await _open_room(token)
        if room is None or not await database_sync_to_async(room.admits)(user):
            logger.info("Listener refused: the link does not open a room for this visitor")
            await self._refuse("link_closed", LINK_CLOSED_MESSAGE, LINK_CLOSED)
            return
        if not user.is_authenticated and not await _guest_may_join(self.scope):
            logger.info("Listener refused: too many guest joins from one address")
            await self._refuse("rate_limited", TOO_MANY_MESSAGE, TOO_MANY)
            return
        allowed = await _allowed_targets(room)
        if self.language != events.ORIGINAL and self.language not in allowed:
            logger.info("Listener refused: room %s offers no %r", room.pk, self.language)
            await self._refuse("refused", LANGUAGE_NOT_OFFERED, REFUSED)
            return
        self.room = room
        self.token = token
        self.speech: deque[tuple[int, bytes]] = deque()
        self.queued = 0
        self.sent = 0
        self.acknowledged = 0
        self.dropped_ms = 0
        await self.channel_layer.group_add(events.listeners_group(room.pk), self.channel_name)
        await self.channel_layer.group_add(
            events.language_group(room.pk, self.language), self.channel_name
        )
        await self.accept()
        self.speaker = await _speaker_name(room)
        self._speaker_deadline = time.monotonic() + SPEAKER_ANSWER_SECONDS
        await self._send_json(
            {
                "type": "hello",
                "room": room.name,
                "language": self.language,
                "speaking": self.speaker is not None,
                "speaker": self.speaker or "",
            }
        )
        await self._announce(first=True)
        self._tasks = [asyncio.create_task(self._presence(), name="room-presence")]
        if room.link_expires_at is not None:
            self._tasks.append(asyncio.create_task(self._expire(), name="room-expiry"))

    async def dispatch(self, message: dict) -> None:
        """Run the message's handler, without channels' database clean-up before it.

        channels (4.2 on) runs ``close_old_connections`` in the one sync thread before every
        message a consumer handles. A listener handles every caption and speech frame of its
        language, and with a hundred listeners on a worker those hops queued behind one
        another: the last listener's captions came tens of milliseconds late
        (``bench/rooms.py``). This consumer uses the database only through
        ``database_sync_to_async``, which closes old connections itself."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def disconnect(self, code: int) -> None:
        """Runs once the socket is closed: leave the room's groups and tell the hub."""
        if self.room is None:
            return
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        room_id = self.room.pk
        await self.channel_layer.group_discard(events.listeners_group(room_id), self.channel_name)
        await self.channel_layer.group_discard(
            events.language_group(room_id, self.language), self.channel_name
        )
        with contextlib.suppress(Exception):
            await self.channel_layer.group_send(
                events.control_group(room_id),
                {"type": events.LEAVE, "listener": self.channel_name},
            )

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Runs for each frame the page sends: only its acknowledgement of speech received."""
        try:
            message = json.loads(text_data) if text_data is not None else None
        except ValueError:
            message = None
        received = message.get("received") if isinstance(message, dict) else None
        if (
            isinstance(message, dict)
            and message.get("type") == "received"
            and isinstance(received, int)
            and not isinstance(received, bool)
            and self.acknowledged <= received <= self.sent
        ):
            self.acknowledged = received
            await self._send_speech()
            return
        await self._send_json(
            {
                "type": "error",
                "code": "read_only",
                "message": "Listeners only receive; this socket takes nothing else.",
            }
        )

    # ------------------------------------------------------------------ from the hub

    async def room_event(self, message: dict) -> None:
        # ``sent_at``: when the speaker's worker had it from the service (epoch seconds), for
        # measuring what the fan-out adds (bench/rooms.py); pages ignore it.
        await self._send_json({**message["event"], "sent_at": message.get("sent")})

    async def room_speech(self, message: dict) -> None:
        pcm = message["pcm"]
        self.speech.append((message.get("seq", 0), pcm))
        self.queued += len(pcm)
        limit = QUEUE_SECONDS * BYTES_PER_SECOND
        dropped = 0
        while self.queued > limit and len(self.speech) > 1:
            _, old = self.speech.popleft()
            self.queued -= len(old)
            dropped += len(old)
        if dropped:
            self.dropped_ms += dropped * 1000 // BYTES_PER_SECOND
            await self._send_json({"type": "catching_up", "dropped_ms": self.dropped_ms})
        await self._send_speech()

    async def room_backlog(self, message: dict) -> None:
        await self._send_json({"type": "backlog", "events": message.get("events", [])})

    async def room_refused(self, message: dict) -> None:
        await self._close_saying("refused", message.get("message", ""), REFUSED)

    async def room_speaker(self, message: dict) -> None:
        """The hub says whether someone speaks: as it starts and stops, to a listener who
        joins, and every ``events.PRESENCE_SECONDS`` while live. Only a change reaches the
        page (a screen reader announces each one)."""
        name = str(message.get("name") or "") if message.get("speaking") else None
        if name is not None:
            self._speaker_deadline = time.monotonic() + SPEAKER_SILENT_SECONDS
        if name != self.speaker:
            reason = events.RECONNECTING if message.get("reason") == events.RECONNECTING else ""
            await self._tell_speaker(name, reason)

    async def room_census(self, message: dict) -> None:
        await self._announce(first=True)

    async def room_link_changed(self, message: dict) -> None:
        """The link was rotated, re-scoped or expired, or the room deleted: stay only if
        the link still admits this listener."""
        room = await _open_room(self.token)
        if room is None or not await database_sync_to_async(room.admits)(self.scope["user"]):
            await self._leave_link_closed()
        else:
            self.room = room

    # ------------------------------------------------------------------ helpers

    async def _send_speech(self) -> None:
        window = WINDOW_SECONDS * BYTES_PER_SECOND
        while self.speech and self.sent - self.acknowledged < window:
            _, pcm = self.speech.popleft()
            self.queued -= len(pcm)
            self.sent += len(pcm)
            await self.send(bytes_data=pcm)

    async def _announce(self, *, first: bool = False) -> None:
        with contextlib.suppress(Exception):
            await self.channel_layer.group_send(
                events.control_group(self.room.pk),
                {
                    "type": events.JOIN,
                    "listener": self.channel_name,
                    "language": self.language,
                    "first": first,
                },
            )

    async def _presence(self) -> None:
        """Announce this listener to the hub every ``events.PRESENCE_SECONDS``, and tell the
        page when a speaker's hub has gone quiet past its deadline."""
        announce_at = time.monotonic() + events.PRESENCE_SECONDS
        while True:
            wake = announce_at
            if self.speaker is not None:
                wake = min(wake, self._speaker_deadline)
            await asyncio.sleep(max(0.0, wake - time.monotonic()))
            now = time.monotonic()
            if self.speaker is not None and now >= self._speaker_deadline:
                logger.info("Room %s: the speaker's hub stopped answering", self.room.pk)
                await self._tell_speaker(None, SPEAKER_LOST)
            if now >= announce_at:
                await self._announce()
                announce_at = now + events.PRESENCE_SECONDS

    async def _tell_speaker(self, name: str | None, reason: str = "") -> None:
        self.speaker = name
        message = {"type": "speaker", "speaking": name is not None, "speaker": name or ""}
        if reason:
            message["reason"] = reason
        await self._send_json(message)

    async def _expire(self) -> None:
        delay = (self.room.link_expires_at - timezone.now()).total_seconds()
        await asyncio.sleep(max(0.0, delay))
        await self.room_link_changed({})

    async def _leave_link_closed(self) -> None:
        await self._close_saying("link_closed", LINK_CLOSED_MESSAGE, LINK_CLOSED)

    async def _refuse(self, code: str, message: str, close_code: int) -> None:
        """Turn the page away as it connects: accepted only to be told why and closed."""
        await self.accept()
        await self._close_saying(code, message, close_code)

    async def _close_saying(self, code: str, message: str, close_code: int) -> None:
        await self._send_json({"type": "error", "code": code, "message": message})
        await self.close(close_code)

    async def _send_json(self, message: dict) -> None:
        await self.send(text_data=json.dumps(message))


@database_sync_to_async
def _open_room(token: str) -> Room | None:
    return Room.objects.with_open_link(token).select_related("account").first()


@database_sync_to_async
def _speaker_name(room: Room) -> str | None:
    speaker = Room.objects.filter(pk=room.pk).values_list("speaker__username", flat=True).first()
    return speaker or None


async def _allowed_targets(room: Room) -> list[str]:
    """The languages a listener may choose, as the listener page offers them."""
    try:
        languages = await voice_client().languages()
    except Exception as exc:  # the service is down: what the room names, unchecked
        logger.warning("Could not list the service's languages for room %s: %s", room.pk, exc)
        return list(room.target_languages)
    return room.allowed_targets(language_choices(languages).pairs)


async def _guest_may_join(scope: dict) -> bool:
    """At most ``ROOM_JOINS_PER_MINUTE`` guest sockets a minute from one client address."""
    key = f"rooms:joins:{client_address_of_scope(scope)}"
    now = time.time()
    recent = [t for t in await cache.aget(key, []) if now - t < JOIN_WINDOW_SECONDS]
    if len(recent) >= settings.ROOM_JOINS_PER_MINUTE:
        return False
    await cache.aset(key, [*recent, now], JOIN_WINDOW_SECONDS)
    return True

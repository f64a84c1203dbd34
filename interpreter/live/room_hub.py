"""The speaker's side of a live room: one stream per language in use, fanned out to listeners.

A room's speaker sends audio on their own socket, to their own worker, which runs this hub.
The hub keeps a stream (a Krisp or localvt session) open for every language that has
listeners, and while none has, one that only transcribes ("original"), so the speaker and
the saved session always get the spoken text. Every stream hears the speaker's audio from the
moment it opens. Its captions and translated speech go to that language's channel-layer
group (``rooms.events.language_group``), which listeners join from any worker; the spoken
text also goes to the "original" group. Cost grows with languages, not listeners.

Listeners announce themselves to the hub's control group when they join, every
``PRESENCE_SECONDS`` after, and when they leave; the hub counts them per language (shown live
to the speaker), opens a language's stream for its first listener, closes it
``ROOM_STREAM_GRACE_SECONDS`` after its last one leaves, keeps the last
``ROOM_BACKLOG_SECONDS`` of captions per language for late joiners, and refuses what it can't
serve (a full room, too many languages, a language the engine won't open) to the one
listener who asked, with the reason. Nothing here waits on a listener: the speaker's audio
goes to the streams without awaiting, and a listener's own queue bounds what it is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from channels.layers import get_channel_layer
from django.conf import settings

from krisp import (
    DictionaryTerm,
    KrispClient,
    KrispError,
    KrispStream,
    Reconnected,
    Reconnecting,
    ServiceError,
    SessionConfig,
    Transcript,
    Translation,
)
from rooms import events

from .channel_listening import stop_listening
from .limits import BYTES_PER_SECOND
from .room_transcript import RoomTranscript

logger = logging.getLogger(__name__)

# A listener not heard from for this long has gone (its worker died, or its leave was lost).
PRESENCE_TIMEOUT = events.PRESENCE_SECONDS * 3.5
HOUSEKEEPING_SECONDS = 1.0
# While live, the hub tells listeners this often that the speaker still is: a listener that
# stops hearing it knows the speaker's worker is gone (rooms.consumers).
SPEAKER_BEAT_SECONDS = events.PRESENCE_SECONDS
# A language the service refused to open is not asked for again sooner than this.
REFUSAL_SECONDS = 10.0


@dataclass(frozen=True)
class RoomLimits:
    max_languages: int
    max_listeners: int
    grace_seconds: float
    backlog_seconds: float

    @classmethod
    def from_settings(cls) -> RoomLimits:
        return cls(
            max_languages=settings.ROOM_MAX_LANGUAGES,
            max_listeners=settings.ROOM_MAX_LISTENERS,
            grace_seconds=settings.ROOM_STREAM_GRACE_SECONDS,
            backlog_seconds=settings.ROOM_BACKLOG_SECONDS,
        )


@dataclass
class RoomSink:
    """What the hub tells the speaker's session: the speaker page's messages and speech,
    the finals to save, and each language as it opens."""

    to_speaker: Callable[[dict], Awaitable[None]]
    speech_to_speaker: Callable[[bytes], Awaitable[None]]
    save_transcript: Callable[[str, str, datetime | None, int, tuple[int, int] | None], None]
    save_translation: Callable[[str, str, str], None]
    language_opened: Callable[[str], None]


@dataclass
class _Listener:
    language: str
    seen: float


@dataclass
class _Stream:
    """One language's stream (or the original one) and what it has said lately."""

    key: str
    base_ms: int
    # Put before the service's utterance ids: each stream numbers its own from 1, and a page
    # shows each id once, so ids must not repeat across the room's streams and sessions.
    id_prefix: str = ""
    stream: KrispStream | None = None
    exit: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)
    task: asyncio.Task | None = None
    close_at: float | None = None
    speech_seq: int = 0


class RoomHub:
    """Runs while a speaker is live in a room; ``start``, ``send_audio`` per frame, ``close``."""

    def __init__(
        self,
        *,
        room_id: int,
        session_id: int,
        session_started: datetime,
        speaker: str,
        source_language: str,
        voice: str,
        allowed: list[str],
        hear: str | None,
        glossaries: dict[str, dict],
        client: KrispClient,
        sink: RoomSink,
        limits: RoomLimits,
        timeline_start_ms: int = 0,
        utterance_prefix: str = "",
        reopen: tuple[str, ...] = (),
    ) -> None:
        self.room_id = room_id
        self.session_id = session_id
        self.session_started = session_started
        self.speaker = speaker
        self.source_language = source_language
        self.voice = voice
        self.allowed = list(allowed)
        self.hear = hear
        self.glossaries = glossaries
        self.client = client
        self.sink = sink
        self.limits = limits
        self.layer = get_channel_layer()
        self.channel = ""
        # Where this hub's audio starts on the session's timeline (later than 0 in a resumed
        # session), and the speaker's audio since.
        self.timeline_start_ms = timeline_start_ms
        self.position_bytes = 0
        # A resumed session's languages, opened as the hub starts: the speech the page held
        # while disconnected comes first, before listeners say where they are.
        self.reopen = reopen
        self._position_wanted: tuple[int, asyncio.Future] | None = None  # see reached()
        self.activity = asyncio.Event()  # set whenever a stream says something
        # Why the room session must end: the last stream's KrispError, or TakenOver.
        self.failed: asyncio.Future[Exception] = asyncio.get_running_loop().create_future()
        self.transcript = RoomTranscript(utterance_prefix)
        self.streams: dict[str, _Stream] = {}  # open and ready
        self.opening: dict[str, asyncio.Task] = {}
        self.listeners: dict[str, _Listener] = {}  # by channel name
        self._counts: dict[str, int] = {}
        self._backlog: dict[str, deque] = {}  # key -> (monotonic time, final event)
        self._refused: dict[str, tuple[float, str]] = {}  # key -> (retry after, reason)
        self._tasks: list[asyncio.Task] = []
        self._control_task: asyncio.Task | None = None
        self._joins: set[asyncio.Task] = set()  # answering listeners who just joined
        self._opened = 0  # streams opened so far
        self._closed = False

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Open the first stream (the language the speaker hears, else the original) and a
        resumed session's languages, then take the floor: listeners learn that the speaker
        is live and say where they are."""
        first = self.hear or events.ORIGINAL
        await self._open(first)
        await asyncio.gather(*(self._ensure(key) for key in self.reopen if key in self.allowed))
        self.channel = await self.layer.new_channel()
        await self.layer.group_add(events.control_group(self.room_id), self.channel)
        self._control_task = asyncio.create_task(self._control(), name="room-control")
        self._tasks = [
            asyncio.create_task(self._housekeeping(), name="room-housekeeping"),
            asyncio.create_task(self._speaker_beat(), name="room-speaker-beat"),
        ]
        await self._to_listeners(self._speaking())
        await self._to_listeners({"type": events.CENSUS})

    def send_audio(self, pcm: bytes) -> None:
        """The speaker's next frame, to every open stream; never waits."""
        self.position_bytes += len(pcm)
        for state in self.streams.values():
            with contextlib.suppress(KrispError):  # its event task reports why it ended
                state.stream.send_audio(pcm)
        wanted = self._position_wanted
        if wanted is not None and self.position_ms >= wanted[0]:
            self._position_wanted = None
            if not wanted[1].done():
                wanted[1].set_result(None)

    async def reached(self, position_ms: int) -> None:
        """Return once the speaker's audio has reached ``position_ms`` on the session's
        timeline (one waiter at a time: a resumed session waiting for its held audio)."""
        if self.position_ms >= position_ms:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._position_wanted = (position_ms, waiter)
        await waiter

    async def close(self, reconnecting: bool = False) -> None:
        """Close every stream, tell listeners the speaker stopped (or, ``reconnecting``,
        lost the connection and may come back), leave the room."""
        if self._closed:
            return
        self._closed = True
        await stop_listening(self._control_task)
        pending = [*self._tasks, *self._joins, *self.opening.values()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for key in list(self.streams):
            await self._close_stream(key)
        with contextlib.suppress(Exception):
            stopped = {"type": events.SPEAKER, "speaking": False}
            if reconnecting:
                stopped["reason"] = events.RECONNECTING
            await self._to_listeners(stopped)
            await self.layer.group_discard(events.control_group(self.room_id), self.channel)

    async def quiet(self, quiet: float, longest: float) -> None:
        """Wait until the streams have said nothing for ``quiet`` seconds (the finals of
        audio already sent are in), at most ``longest``."""
        deadline = time.monotonic() + longest
        while (left := deadline - time.monotonic()) > 0:
            self.activity.clear()
            try:
                async with asyncio.timeout(min(quiet, left)):
                    await self.activity.wait()
            except TimeoutError:
                return

    @property
    def position_ms(self) -> int:
        """Where the speaker's audio is now on the session's timeline."""
        return self.timeline_start_ms + self.position_bytes * 1000 // BYTES_PER_SECOND

    def counts(self) -> dict[str, int]:
        """Listeners per language, counting only those who hear: a listener whose language's
        stream is still opening (or was lost and is being reopened) is not yet counted."""
        found: dict[str, int] = {}
        for listener in self.listeners.values():
            if listener.language == events.ORIGINAL or listener.language in self.streams:
                found[listener.language] = found.get(listener.language, 0) + 1
        return found

    # ------------------------------------------------------------------ streams

    def _config(self, key: str) -> SessionConfig:
        translate = key != events.ORIGINAL
        target = key if translate else self._any_target()
        snapshot = self.glossaries.get(target, {}) if translate else {}
        return SessionConfig(
            source_language=self.source_language,
            target_language=target,
            voice=self.voice,
            vocabulary=tuple(snapshot.get("vocabulary", ())),
            translation_dictionary=tuple(
                DictionaryTerm(e["source"], e["target"])
                for e in snapshot.get("translation_dictionary", ())
            ),
            translate=translate,
            reference_id=str(self.session_id),
        )

    def _any_target(self) -> str:
        return self.allowed[0] if self.allowed else self.source_language

    async def _open(self, key: str) -> None:
        """Open ``key``'s stream; raises the KrispError if the service refuses it."""
        self._opened += 1
        state = _Stream(key=key, base_ms=0, id_prefix=f"{self.session_id}.{self._opened}:")
        try:
            state.stream = await state.exit.enter_async_context(
                self.client.stream(self._config(key))
            )
        except BaseException:
            await state.exit.aclose()
            raise
        state.stream.deliver_audio(lambda pcm, s=state: self._speech(s, pcm))
        state.base_ms = self.position_ms  # it hears from now on
        self.streams[key] = state
        state.task = asyncio.create_task(self._events(state), name=f"room-stream-{key}")
        if key != events.ORIGINAL:
            self.sink.language_opened(key)
        logger.info("Room %s: %s stream open", self.room_id, key)

    async def _close_stream(self, key: str) -> None:
        state = self.streams.pop(key, None)
        if state is None:
            return
        if state.task is not None and state.task is not asyncio.current_task():
            state.task.cancel()
            await asyncio.gather(state.task, return_exceptions=True)
        with contextlib.suppress(Exception):
            await state.exit.aclose()
        logger.info("Room %s: %s stream closed", self.room_id, key)

    async def _ensure(self, key: str) -> str | None:
        """Open ``key``'s stream unless it is open; the reason, if it can't be."""
        if key in self.streams:
            self.streams[key].close_at = None
            return None
        # Streams still opening count too: listeners who join at once (all of them, as a
        # hub starts) must not each open one more language than the room allows.
        in_use = {*self.languages(), *self.opening} - {events.ORIGINAL}
        if (
            key != events.ORIGINAL
            and key not in in_use
            and len(in_use) >= self.limits.max_languages
        ):
            return (
                f"This room already has listeners in {self.limits.max_languages} languages, "
                "as many as it allows. Choose one of those, or the original."
            )
        retry_after, reason = self._refused.get(key, (0.0, ""))
        if time.monotonic() < retry_after:
            return reason
        task = self.opening.get(key)
        if task is None:
            task = self.opening[key] = asyncio.create_task(self._open(key), name=f"room-open-{key}")
        try:
            await asyncio.shield(task)
        except KrispError as exc:
            reason = f"This language can't be interpreted right now: {exc.user_message}"
            # Not asked of the service again for a while, however many listeners ask.
            self._refused[key] = (time.monotonic() + REFUSAL_SECONDS, reason)
            return reason
        finally:
            if task.done():
                self.opening.pop(key, None)
        return None

    # ------------------------------------------------------------------ what streams say

    async def _events(self, state: _Stream) -> None:
        try:
            async for event in state.stream:
                self.activity.set()
                if isinstance(event, Transcript):
                    await self._transcript(state, event)
                elif isinstance(event, Translation):
                    await self._translation(state, event)
                elif isinstance(event, Reconnecting | Reconnected | ServiceError):
                    await self._notice(state, event)
        except KrispError as exc:
            logger.warning("Room %s: the %s stream failed: %s", self.room_id, state.key, exc)
            await self._lost(state, exc)

    async def _transcript(self, state: _Stream, event: Transcript) -> None:
        stream_uid = state.id_prefix + event.utterance_id
        message = {
            "type": "transcript",
            "utterance_id": stream_uid,
            "text": event.text,
            "final": event.final,
        }
        audio_range = None
        if event.offset_ms is not None:
            start = state.base_ms + event.offset_ms
            audio_range = (start, start + event.duration_ms)
            # The speaker's page keeps its audio until a final covers it (to resume with).
            message["audio_start_ms"], message["audio_end_ms"] = audio_range
        if state.key != events.ORIGINAL:
            await self._publish(state, message)
        if self._speaker_stream() is state:
            await self.sink.to_speaker(message)
        if self._original_stream() is state:
            await self._publish_to(events.ORIGINAL, message)
        if event.final and audio_range is not None:
            uid, new = self.transcript.transcript(state.key, stream_uid, *audio_range)
            if new:
                spoken = self.session_started + timedelta(milliseconds=audio_range[0])
                self.sink.save_transcript(uid, event.text, spoken, event.duration_ms, audio_range)
            early = self.transcript.waiting_translation(state.key, stream_uid)
            if early is not None and state.key != events.ORIGINAL:
                self.sink.save_translation(uid, state.key, early)

    async def _translation(self, state: _Stream, event: Translation) -> None:
        if state.key == events.ORIGINAL:
            return
        stream_uid = state.id_prefix + event.utterance_id
        message = {
            "type": "translation",
            "utterance_id": stream_uid,
            "text": event.text,
            "final": event.final,
        }
        await self._publish(state, message)
        if state.key == self.hear and self._speaker_stream() is state:
            await self.sink.to_speaker(message)
        if event.final:
            uid = self.transcript.translation(state.key, stream_uid, event.text)
            if uid is not None:
                self.sink.save_translation(uid, state.key, event.text)

    async def _speech(self, state: _Stream, pcm: bytes) -> None:
        self.activity.set()
        if state.key == events.ORIGINAL:
            return  # the original stream's speech is nobody's
        state.speech_seq += 1
        with contextlib.suppress(Exception):
            await self.layer.group_send(
                events.language_group(self.room_id, state.key),
                {"type": events.SPEECH, "pcm": pcm, "seq": state.speech_seq, "sent": time.time()},
            )
        if state.key == self.hear:
            await self.sink.speech_to_speaker(pcm)

    async def _notice(self, state: _Stream, event) -> None:
        if isinstance(event, Reconnecting):
            text = "The interpretation for this language is reconnecting…"
        elif isinstance(event, Reconnected):
            text = "The interpretation for this language is back."
        else:
            text = event.error.user_message
        await self._publish_to(state.key, {"type": "notice", "message": text}, keep=False)

    async def _lost(self, state: _Stream, error: KrispError) -> None:
        """A stream ended on the service's error: its listeners are told and the others
        carry on; without any stream left, the session can't go on."""
        self.streams.pop(state.key, None)
        with contextlib.suppress(Exception):
            await state.exit.aclose()
        await self._publish_to(
            state.key,
            {
                "type": "error",
                "code": "language_unavailable",
                "message": f"The interpretation into this language stopped: {error.user_message}",
            },
            keep=False,
        )
        if not self.streams and not self.failed.done():
            self.failed.set_result(error)

    def _speaker_stream(self) -> _Stream | None:
        if self.hear and self.hear in self.streams:
            return self.streams[self.hear]
        return self._original_stream()

    def _original_stream(self) -> _Stream | None:
        """Where the spoken text comes from: the oldest open stream."""
        return next(iter(self.streams.values()), None)

    async def _publish(self, state: _Stream, message: dict) -> None:
        await self._publish_to(state.key, message)

    async def _publish_to(self, key: str, message: dict, keep: bool = True) -> None:
        """Send ``message`` to ``key``'s listeners; a final is also kept for late joiners."""
        if keep and message.get("final", False):
            now = time.monotonic()
            backlog = self._backlog.setdefault(key, deque())
            backlog.append((now, message))
            cutoff = now - self.limits.backlog_seconds
            while backlog and backlog[0][0] < cutoff:
                backlog.popleft()
        with contextlib.suppress(Exception):
            await self.layer.group_send(
                events.language_group(self.room_id, key),
                {"type": events.EVENT, "event": message, "sent": time.time()},
            )

    # ------------------------------------------------------------------ listeners

    async def _control(self) -> None:
        while True:
            message = await self.layer.receive(self.channel)
            kind = message.get("type")
            if kind == events.JOIN:
                # On a task of its own: opening a language's stream takes a moment, and
                # other listeners' messages must not wait for it.
                task = asyncio.create_task(self._join(message), name="room-join")
                self._joins.add(task)
                task.add_done_callback(self._joins.discard)
            elif kind == events.LEAVE:
                self.listeners.pop(message.get("listener", ""), None)
                await self._counts_changed()
            elif kind == events.PING and isinstance(message.get("reply_to"), str):
                with contextlib.suppress(Exception):
                    await self.layer.send(
                        message["reply_to"], {"type": events.ALIVE, "name": self.speaker}
                    )
            elif kind == events.TAKE_OVER and not self.failed.done():
                self.failed.set_result(TakenOver(message.get("name") or "Someone"))

    async def _join(self, message: dict) -> None:
        listener, language = message.get("listener"), message.get("language")
        if not isinstance(listener, str) or not isinstance(language, str):
            return
        if message.get("first"):
            # At once, before a stream is opened for it: the page learns the speaker is live.
            with contextlib.suppress(Exception):
                await self.layer.send(listener, self._speaking())
        known = self.listeners.get(listener)
        if known is not None and known.language == language:
            known.seen = time.monotonic()
            if not message.get("first"):
                return
        reason = self._refusal(listener, language)
        if reason is None:
            # The seat is taken before the stream is awaited, so listeners joining at once
            # can't all pass the room's limit.
            self.listeners[listener] = _Listener(language, time.monotonic())
            reason = await self._ensure(language)
        if reason is not None:
            self.listeners.pop(listener, None)
            with contextlib.suppress(Exception):
                await self.layer.send(listener, {"type": events.REFUSED, "message": reason})
            await self._counts_changed()
            return
        if message.get("first"):
            backlog = [event for _, event in self._backlog.get(language, ())]
            with contextlib.suppress(Exception):
                await self.layer.send(listener, {"type": events.BACKLOG, "events": backlog})
        await self._counts_changed()

    def _refusal(self, listener: str, language: str) -> str | None:
        if language != events.ORIGINAL and language not in self.allowed:
            return "This room isn't interpreted into that language."
        others = len(self.listeners) - (listener in self.listeners)
        if others >= self.limits.max_listeners:
            return (
                f"This room is full: it takes {self.limits.max_listeners} listeners. "
                "Try again later."
            )
        return None

    async def _counts_changed(self) -> None:
        counts = self.counts()
        if counts != self._counts:
            self._counts = counts
            await self.sink.to_speaker({"type": "room_listeners", "counts": counts})

    async def _speaker_beat(self) -> None:
        """Say again every ``SPEAKER_BEAT_SECONDS`` that the speaker is live."""
        while True:
            await asyncio.sleep(SPEAKER_BEAT_SECONDS)
            with contextlib.suppress(Exception):
                await self._to_listeners(self._speaking())

    def _speaking(self) -> dict:
        return {"type": events.SPEAKER, "speaking": True, "name": self.speaker}

    async def _housekeeping(self) -> None:
        while True:
            await asyncio.sleep(HOUSEKEEPING_SECONDS)
            await self._tidy(time.monotonic())

    async def _tidy(self, now: float) -> None:
        """Forget silent listeners; close a language's stream once its grace has run out
        after its last listener left; keep exactly one stream for the spoken text: the
        original one only while no language has one."""
        gone = [c for c, item in self.listeners.items() if now - item.seen > PRESENCE_TIMEOUT]
        for channel in gone:
            del self.listeners[channel]
        await self._counts_changed()
        wanted = {listener.language for listener in self.listeners.values()}
        if self.hear:
            wanted.add(self.hear)
        for key, state in list(self.streams.items()):
            if key == events.ORIGINAL or key in wanted:
                state.close_at = None
            elif state.close_at is None:
                state.close_at = now + self.limits.grace_seconds
            elif now >= state.close_at:
                if len(self.languages()) == 1:
                    await self._ensure(events.ORIGINAL)  # the spoken text goes on
                await self._close_stream(key)
        for key in sorted(wanted - set(self.streams) - {events.ORIGINAL}):
            reason = await self._ensure(key)  # a stream lost meanwhile, for listeners who stay
            if reason is not None:
                await self._publish_to(key, {"type": "notice", "message": reason}, keep=False)
        if self.languages():
            await self._close_stream(events.ORIGINAL)
        elif events.ORIGINAL not in self.streams:
            await self._ensure(events.ORIGINAL)

    def languages(self) -> list[str]:
        """The languages with a stream open."""
        return [key for key in self.streams if key != events.ORIGINAL]

    async def _to_listeners(self, message: dict) -> None:
        await self.layer.group_send(events.listeners_group(self.room_id), message)


class TakenOver(Exception):
    """The room's owner or an admin took the floor from this speaker."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} took over the room")
        self.name = name

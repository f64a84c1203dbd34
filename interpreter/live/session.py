"""One browser's live session, from its start message to its ended event.

The session runs as one task per connection, so the consumer keeps reading frames while
the service connects. Browser audio goes straight to the stream (out at once, or into its
bounded buffer; never waiting on the network); translated speech comes back from the
stream's reader straight to the page; text events come back through a second task, bounded
by the stream's event queue; while it is live, one task per process (``checkpoints``) saves
its audio counters, with every live session's, every few seconds. A stop, the length limit, a
fatal refusal or a service failure ends the session. A page that goes away ends it too, once
the finals of the audio already sent are in, but resumable: a page that lost its connection
may carry on the same saved session on a new one (``resume`` in its start), as a new
segment, from where its saved finals end, with the audio it held meanwhile (``timeline``);
a connection still carrying the session hands it over (docs/protocol.md, "Resuming a
session")."""

from __future__ import annotations

import asyncio
import contextlib
import enum
import json
import logging
import sys
from collections import deque
from datetime import timedelta

import numpy as np
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from interpreter.models import TranslationSession
from krisp import (
    DictionaryTerm,
    KrispError,
    KrispStream,
    Reconnected,
    Reconnecting,
    ServiceError,
    SessionConfig,
    Transcript,
    Translation,
)
from voice.client import voice_client

from . import checkpoints, finals, handover, protocol, store
from .limits import BYTES_PER_SECOND, AudioPacer, note_start
from .protocol import Refusal, ResumeRequest, StartRequest, error_event
from .reaper import areap_stale_sessions
from .room_hub import RoomHub, TakenOver
from .room_speaking import RoomSpeaking
from .timeline import Timeline, replayed_messages

logger = logging.getLogger(__name__)

# Quieter than this (RMS of 16-bit samples, about -50 dBFS) is a pause, not speech.
QUIET_RMS = 100.0

Status = TranslationSession.Status


class State(enum.Enum):
    IDLE = "idle"  # connected, no start yet
    STARTING = "starting"  # checking the request and opening the service stream
    LIVE = "live"  # relaying audio both ways
    STOPPING = "stopping"  # no more browser audio; collecting the last finals
    ENDED = "ended"


class LiveSession:
    """What one ``/ws/live/`` connection does; the consumer feeds it frames."""

    # After a stop, finals still in flight are waited for until the service has been quiet
    # this long, and never longer than the maximum.
    TAIL_QUIET_SECONDS = 3.0
    TAIL_MAX_SECONDS = 8.0
    # How long a server that is stopping waits for a stopped session's tail.
    SHUTDOWN_SECONDS = 5.0
    # Handing over to a connection that resumes the session: the tail, bounded tighter.
    HANDOVER_TAIL_QUIET_SECONDS = 1.0
    HANDOVER_TAIL_MAX_SECONDS = 4.0
    # Silence sent after the last audio as a session ends (see _end_of_speech).
    END_OF_SPEECH_MS = 800
    # Catching up longer than this after a resume, the caught-up speech is skipped (its
    # captions are shown): the meeting has moved on, and the page hears the live speaker.
    CATCH_UP_SPEECH_MS = 5000
    # See _replay.
    ROOM_REPLAY_SLACK_MS = 250

    def __init__(
        self, socket: AsyncWebsocketConsumer, user: AbstractBaseUser, account: Account
    ) -> None:
        self.socket = socket
        self.user = user
        self.account = account
        self.state = State.IDLE
        self.session: TranslationSession | None = None
        self.audio_in = 0.0
        self.audio_out = 0.0
        self._task: asyncio.Task | None = None
        self._creating: asyncio.Future[TranslationSession] | None = None
        self._stream: KrispStream | None = None
        self._pacer: AudioPacer | None = None
        self._ending: asyncio.Future[Refusal | None] | None = None
        self._last_event = 0.0
        self._reported: set[str] = set()
        # A service failure the session survived: none of the service's text has come since.
        self._recovering = False
        self._page_gone = False
        self.segment = 1
        self.timeline = Timeline()
        # How the live phase ends: resumable after a lost connection, or handed over.
        self._resumable = False
        self._handed_over = False
        self._tail_quiet = self.TAIL_QUIET_SECONDS
        self._tail_max = self.TAIL_MAX_SECONDS
        self._handover: handover.HandoverListener | None = None
        self._room: RoomSpeaking | None = None
        # The last frames sent, to tell at the end whether the speaker's last word was
        # followed by a pause (see _end_of_speech).
        self._recent: deque[bytes] = deque(maxlen=self.END_OF_SPEECH_MS // 20)
        # Read once: a settings lookup per frame was a measurable share of the frame's cost.
        self._max_frame_bytes: int = settings.LIVE_MAX_FRAME_BYTES

    # ---------------------------------------------------------------- from the consumer

    async def receive_text(self, text: str) -> None:
        """Handle one control message; anything malformed earns a non-fatal error."""
        try:
            message = protocol.parse_control(text)
        except Refusal as refusal:
            await self._send(refusal.event())
            return
        if message["type"] == "start":
            await self._start(message)
        else:
            await self._stop()

    async def receive_audio(self, pcm: bytes) -> None:
        """Pass one PCM frame on, or drop it with one error per kind of problem."""
        try:
            self._take_audio(pcm)
        except Refusal as refusal:
            if refusal.fatal:
                self._request_end(refusal)
            elif refusal.message not in self._reported:
                self._reported.add(refusal.message)
                await self._send(refusal.event())

    async def close(self) -> None:
        """The browser has gone. A live session collects the finals of the audio it already
        sent (the page may come back for them, resuming) and ends resumable; anything else
        is cancelled. Returns once the row is marked ended."""
        self._page_gone = True
        if self.state is State.LIVE:
            self._resumable = True
            self._request_end(None)
        if self.state is State.STOPPING and self._task is not None:
            await asyncio.wait({self._task}, timeout=self._tail_max + 2)
        await self._cancel()

    async def _cancel(self) -> None:
        """Cancel the run and wait until the row is marked ended."""
        task = self._task
        # Cancel until it is really over: a cancel can be lost in a library that caught it
        # (Python 3.11's wait_for, for one), and a lost cancel would leave a stream running
        # with nobody attached.
        while task is not None and not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=1.0)
        self.state = State.ENDED
        # The cancelled task's traceback holds this session's frames, and the stream holds a
        # method of it: dropping both lets reference counting free the session's objects now,
        # not the next full garbage collection (interpreter.live.collector).
        self._task = None
        self._stream = None

    async def shut_down(self) -> None:
        """The server is stopping (a deploy, a restart): end the session as failed, saying
        why, with everything final saved, and close the socket with code 4503.

        A live session ends through the usual path, a fatal refusal, so its finals are
        written and its row ended before daphne lets the process exit; one the user had
        already stopped gets :data:`SHUTDOWN_SECONDS` to collect its tail; a start still
        under way is cancelled and the page told; a socket with no session is just closed.
        """
        refusal = Refusal(
            "server_restarting",
            protocol.SERVER_RESTARTING,
            close_code=protocol.SERVER_RESTARTING_CLOSE,
        )
        task = self._task
        if self.state is State.LIVE:
            self._resumable = True
            self._request_end(refusal)
        if self.state is State.STOPPING and task is not None:
            await asyncio.wait({task}, timeout=self.SHUTDOWN_SECONDS)
        told = task is not None and task.done() and not task.cancelled()
        await self._cancel()
        if task is not None and not told:
            await self._send(refusal.event())
        if not told:
            await self._close_page(refusal.close_code)

    # ---------------------------------------------------------------- control

    async def _start(self, message: dict) -> None:
        if self.state is not State.IDLE:
            await self._send(error_event("bad_request", protocol.ALREADY_STARTED, fatal=False))
            return
        self.state = State.STARTING
        self._task = asyncio.create_task(self._run(message), name="live-session")

    async def _stop(self) -> None:
        if self.state is State.LIVE:
            self._request_end(None)
        elif self.state is State.STARTING:
            # Nothing was recorded yet: give up on the start rather than wait for it.
            await self._cancel()
            await self._say_goodbye()
        elif self.state is State.IDLE:
            self.state = State.ENDED
            await self.socket.close()

    def _request_end(self, refusal: Refusal | None) -> None:
        """End the live phase: cleanly on a stop (None), as a failure on a refusal."""
        if self._ending is not None and not self._ending.done():
            self._ending.set_result(refusal)
        self.state = State.STOPPING

    def _take_audio(self, pcm: bytes) -> None:
        limit = self._max_frame_bytes
        if len(pcm) > limit:
            raise Refusal("frame_too_large", protocol.frame_too_large(limit), fatal=False)
        if len(pcm) % 2:
            raise Refusal("bad_request", protocol.ODD_FRAME, fatal=False)
        if self.state in (State.STOPPING, State.ENDED):
            return  # the browser's last frames cross our stop; they don't matter
        if self.state is not State.LIVE:
            raise Refusal("bad_request", protocol.AUDIO_BEFORE_READY, fatal=False)
        if not self._pacer.take(len(pcm)):
            raise Refusal("too_fast", protocol.TOO_FAST)
        self.audio_in += len(pcm) / BYTES_PER_SECOND
        self._recent.append(pcm)
        with contextlib.suppress(KrispError):  # the stream ended; the event task says why
            self._stream.send_audio(pcm)

    # ---------------------------------------------------------------- the session's life

    async def _run(self, message: dict) -> None:
        status, error, close_code = Status.COMPLETED, "", 1000
        try:
            try:
                config = await self._open_session(message)
            except Refusal as refusal:
                self.state = State.ENDED
                await self._send(refusal.event())
                await self.socket.close(refusal.close_code)
                return
            await self._send({"type": "status", "state": "connecting"})
            if self._room is not None:
                await self._relay_room(self._room.hub())
            else:
                async with voice_client().stream(config) as stream:
                    await self._relay(stream)
        except Refusal as refusal:
            status, error, close_code = Status.FAILED, refusal.message, refusal.close_code
            await self._send(refusal.event())
        except KrispError as exc:
            logger.warning("Live session %s: the service failed: %s", self.session.pk, exc)
            status, error = Status.FAILED, exc.user_message
            code = protocol.service_error_code(exc)
            await self._send(error_event(code, exc.user_message, fatal=True))
        except Exception:
            logger.exception("Live session %s failed", self.session.pk)
            status, error = Status.FAILED, protocol.INTERNAL_ERROR
            await self._send(error_event("service_unavailable", error, fatal=True))
        finally:
            # Runs on cancellation too (the browser left): the row must not stay running.
            self.state = State.ENDED
            await self._finish(status, error)
        if self._handed_over:
            # Another connection of this user resumed the session: a page still here (an
            # old tab) is told, and no longer carries it.
            await self._send(
                error_event("resumed_elsewhere", protocol.RESUMED_ELSEWHERE, fatal=True)
            )
            await self._close_page(protocol.RESUMED_ELSEWHERE_CLOSE)
            return
        await self._say_goodbye(close_code)

    async def _open_session(self, message: dict) -> SessionConfig | None:
        """Check the start request and every limit, then create the session's row (or take
        up the one the page resumes); the config of the session's stream (None in a room,
        whose hub opens its own)."""
        try:
            request = protocol.parse_start(message)
            if not await note_start(self.user.pk):
                limit = settings.LIVE_STARTS_PER_MINUTE
                raise Refusal("rate_limited", protocol.rate_limited(limit))
            limit = settings.LIVE_MAX_SESSIONS_PER_USER
            # A row a crashed process left running must not count against the user.
            await areap_stale_sessions(user=self.user)
            resuming = None
            if request.resume is not None:
                resuming = await store.resumable_session(self.user, self.account, request)
            excluding = resuming.pk if resuming is not None else None
            if await store.running_sessions(self.user, excluding) >= limit:
                raise Refusal("busy", protocol.busy(limit), close_code=4429)
            problem = await store.account_quota_problem(self.account)
            if problem:
                raise Refusal("quota", problem)
            if request.room_id is not None:
                if resuming is not None:
                    # Its translated speech is never skipped: the room's listeners hear it.
                    await self._resume(resuming, request.resume, skip_long_speech=False)
                self._room = await RoomSpeaking.start(self, request)
                logger.info(
                    "Live session %s %s in room %s",
                    self.session.pk,
                    "resumed" if self.segment > 1 else "started",
                    request.room_id,
                )
                return None
            await self._check_pair(request)
            snapshot = None
            if resuming is not None:
                snapshot = await self._resume(resuming, request.resume)
            if snapshot is None:
                snapshot = await self._create(request)
        except Refusal:
            raise
        except Exception:
            logger.exception("Could not start a live session")
            raise Refusal("service_unavailable", protocol.INTERNAL_ERROR) from None
        logger.info(
            "Live session %s %s (%s → %s)",
            self.session.pk,
            "resumed" if self.segment > 1 else "started",
            request.source_language,
            request.target_language,
        )
        return SessionConfig(
            source_language=request.source_language,
            target_language=request.target_language,
            voice=request.voice,
            vocabulary=tuple(snapshot.get("vocabulary", ())),
            translation_dictionary=tuple(
                DictionaryTerm(e["source"], e["target"])
                for e in snapshot.get("translation_dictionary", ())
            ),
            reference_id=str(self.session.pk),
        )

    async def _create(self, request: StartRequest) -> dict:
        """A new session's row; returns the glossary snapshot it is opened with."""
        glossary, snapshot = None, {}
        if request.glossary_id is not None:
            glossary = await store.glossary_for(self.account, request)
            if glossary is None:
                raise Refusal("bad_request", protocol.GLOSSARY_UNAVAILABLE)
            snapshot = await store.glossary_snapshot(glossary)
        # Shielded, so a browser leaving mid-insert can't orphan a running row: _finish
        # waits for the row and ends it.
        self._creating = asyncio.ensure_future(
            store.create_session(self.user, self.account, request, glossary, snapshot)
        )
        self.session = await asyncio.shield(self._creating)
        return snapshot

    async def _resume(
        self, session: TranslationSession, resume: ResumeRequest, skip_long_speech: bool = True
    ) -> dict | None:
        """Carry ``session`` on as this connection's; its glossary snapshot, or None when it
        can't be (then a new session starts). A connection still carrying it is asked to let
        go first, so that its last finals are saved before this one decides where to start.
        ``skip_long_speech``: a long catch-up's translated speech is skipped (see
        ``CATCH_UP_SPEECH_MS``)."""
        released = True
        if session.status == Status.RUNNING:
            answer = await handover.take_over(session.pk)
            window = timedelta(seconds=settings.LIVE_RESUME_SECONDS)
            # Nobody answered: its worker is gone. Resumable only if it was alive lately.
            released = answer is not None or await store.recently_active(session, window)
        continued = await store.continue_session(session, resume, released)
        if continued is None:
            return None
        self.session, saved_end = continued
        self.segment = self.session.segments
        self.audio_in = self.session.audio_in_seconds
        self.audio_out = self.session.audio_out_seconds
        longest = self.CATCH_UP_SPEECH_MS if skip_long_speech else sys.maxsize
        self.timeline = Timeline.resumed(resume, saved_end, longest)
        return self.session.glossary_snapshot

    @staticmethod
    async def _check_pair(request: StartRequest) -> None:
        try:
            languages = await voice_client().languages()
        except KrispError as exc:
            raise Refusal("service_unavailable", exc.user_message) from None
        offered = {language.code: language for language in languages}
        source = offered.get(request.source_language)
        if (
            source is None
            or request.target_language not in offered
            or not source.translates_to(request.target_language)
        ):
            raise Refusal("bad_request", protocol.PAIR_NOT_OFFERED)

    async def _relay(self, stream: KrispStream) -> None:
        """Relay until the session should end; raises what ended it, if it failed."""
        stream.deliver_audio(self._forward_audio)  # before any await: the stream just opened
        events = None
        try:
            await self._go_live(stream)
            events = asyncio.create_task(self._forward_events(stream), name="live-events")
            if await self._until_the_end(events):
                events.result()  # raises the service's error; a clean end just ends
                return
            await self._collect_tail(events)
        finally:
            await self._leave_live()
            if events is not None:
                events.cancel()
                await asyncio.gather(events, return_exceptions=True)

    async def _relay_room(self, hub: RoomHub) -> None:
        """Speak into a room until the session should end; raises what ended it, if it
        failed. The hub's streams are the room's; the page gets the spoken text (and the
        language the speaker hears, if any) and how many listen in each language. The hub
        is closed however this ends, its start included (a stream it opened is paid for)."""
        catching_up = None
        try:
            await hub.start()
            room = self._room.room
            about = {"id": room.pk, "name": room.name, "languages": self._room.allowed}
            await self._go_live(hub, {"room": about}, in_room=True)
            if self.timeline.catching_up:
                catching_up = asyncio.create_task(self._room_caught_up(hub), name="room-catch-up")
            if await self._until_the_end(hub.failed):
                error = hub.failed.result()
                if isinstance(error, TakenOver):
                    raise Refusal("taken_over", protocol.taken_over(error.name))
                raise error
            await hub.quiet(self._tail_quiet, self._tail_max)
        finally:
            await self._leave_live()
            if catching_up is not None:
                catching_up.cancel()
                await asyncio.gather(catching_up, return_exceptions=True)
            # A page that lost its connection (or whose server is restarting) may resume, and
            # one handing over is resuming: listeners are told the speaker is reconnecting.
            await hub.close(reconnecting=self._resumable or self._handed_over)

    async def _go_live(
        self, stream: KrispStream | RoomHub, more_ready: dict | None = None, in_room: bool = False
    ) -> None:
        """The stream is open: take the page's audio, send the page ``ready`` (with the
        fields of ``more_ready``), replay what a resumed page missed, and start saving
        counters and answering a connection that resumes this session."""
        self._stream = stream
        self._pacer = AudioPacer()
        if self.timeline.catching_up:
            # The held audio may come faster than real time, as fast as the page sends it.
            self._pacer.grant(self.timeline.held_ms() / 1000)
        self._ending = asyncio.get_running_loop().create_future()
        self.state = State.LIVE
        await self._send({**self._ready_message(), **(more_ready or {})})
        if self.segment > 1:
            await self._replay(in_room)
        checkpoints.track(self.session.pk, lambda: (self.audio_in, self.audio_out))
        self._handover = handover.HandoverListener(self.session.pk, self._hand_over)
        await self._handover.start()

    async def _until_the_end(self, failed: asyncio.Future) -> bool:
        """Wait until the live phase ends: True when ``failed`` (the stream's side) ended
        it; otherwise the page stopped or left, or the length limit came (the page is told),
        and the stream is sent the pause that ends the last utterance. A fatal refusal
        (too fast, the server restarting) is raised."""
        limit = settings.LIVE_MAX_SESSION_SECONDS
        done, _ = await asyncio.wait(
            {failed, self._ending}, timeout=limit, return_when=asyncio.FIRST_COMPLETED
        )
        if failed in done:
            return True
        if self._ending in done:
            refusal = self._ending.result()
            if refusal is not None:
                raise refusal
        else:
            self._request_end(None)
            await self._send(error_event("too_long", protocol.too_long(limit), fatal=False))
        self._end_of_speech()
        return False

    async def _leave_live(self) -> None:
        """Stop saving counters (before ``_finish`` writes the final ones) and answering
        resuming connections."""
        if self.session is not None:
            checkpoints.untrack(self.session.pk)
        if self._handover is not None:
            await self._handover.stop()
            self._handover = None  # it holds a method of this session: no cycle left behind

    async def _room_caught_up(self, hub: RoomHub) -> None:
        """A resumed room session: tell the page once its held audio has all reached the
        room's streams."""
        await hub.reached(self.timeline.live_edge_ms)
        await self._send(self.timeline.end_catch_up())

    def _end_of_speech(self) -> None:
        """Tell the service the speech is over the only way the protocol allows: a pause.

        A service finishes an utterance when it hears the pause after it; a page that stops
        (or leaves) right after its last word never sends that pause, and the last sentence
        would never be final. Unless the last ``END_OF_SPEECH_MS`` the page sent were already
        quiet (below ``QUIET_RMS``: a pause the service has heard), the stream gets that much
        silence, more than the pause that ends an utterance (localvt's 350 ms), before the
        tail is collected. Not counted as the user's audio.
        """
        recent = b"".join(self._recent)
        if recent:
            samples = np.frombuffer(recent, dtype="<i2").astype(np.float64)
            if float(np.sqrt(np.mean(samples * samples))) < QUIET_RMS:
                return
        silence = bytes(BYTES_PER_SECOND // 50)  # 20 ms
        with contextlib.suppress(KrispError):  # the stream ended; the tail just ends
            for _ in range(self.END_OF_SPEECH_MS // 20):
                self._stream.send_audio(silence)

    async def _speech_to_speaker(self, pcm: bytes) -> None:
        self.audio_out += len(pcm) / BYTES_PER_SECOND
        await self._to_page(bytes_data=pcm)

    def _ready_message(self) -> dict:
        ready = {
            "type": "ready",
            "session_id": self.session.pk,
            "segment": self.segment,
            "resumed": self.segment > 1,
        }
        if self.segment > 1:
            ready.update(self.timeline.ready_fields(settings.LIVE_CATCH_UP_RATE))
        return ready

    async def _replay(self, in_room: bool = False) -> None:
        """Send a resumed page the finals it may have missed: those saved after the point
        its held audio starts from (it shows each utterance once, by its id).

        A room's page knows its captions by the ids of the room's streams, not the saved
        ones, so it gets only the finals that start after its held audio does: those it
        never saw (the old connection's last ones). One it saw may be saved from another
        stream, whose range differs by a few milliseconds; ``ROOM_REPLAY_SLACK_MS`` allows
        for that."""
        position = self.timeline.resumed_from_ms
        utterances = await store.finals_after(self.session, position)
        if in_room:
            earliest = position - self.ROOM_REPLAY_SLACK_MS
            utterances = [
                u
                for u in utterances
                if u.audio_start_ms is not None and u.audio_start_ms >= earliest
            ]
        for message in replayed_messages(utterances):
            await self._send(message)

    async def _hand_over(self) -> dict:
        """Another connection resumes this session: stop taking audio, collect and save the
        finals of what was sent (a tighter tail), and leave the row to it."""
        self._handed_over = True
        self._tail_quiet = self.HANDOVER_TAIL_QUIET_SECONDS
        self._tail_max = self.HANDOVER_TAIL_MAX_SECONDS
        if self.state is State.LIVE:
            self._request_end(None)
        task = self._task
        if task is not None and task is not asyncio.current_task():
            await asyncio.wait({task}, timeout=self._tail_max + 2)
        return {"audio_in": self.audio_in, "audio_out": self.audio_out}

    async def _collect_tail(self, events: asyncio.Task) -> None:
        """Wait for finals of audio already sent: until the service is quiet, within a bound."""
        loop = asyncio.get_running_loop()
        self._last_event = loop.time()
        deadline = self._last_event + self._tail_max
        while not events.done():
            wake = min(deadline, self._last_event + self._tail_quiet)
            if loop.time() >= wake:
                return
            await asyncio.wait({events}, timeout=wake - loop.time())
        events.result()

    async def _forward_events(self, stream: KrispStream) -> None:
        loop = asyncio.get_running_loop()
        async for event in stream:
            self._last_event = loop.time()
            if self._recovering and isinstance(event, Transcript | Translation):
                self._recovering = False
                await self._send(_status("live", "Live again."))
            if isinstance(event, Transcript):
                await self._on_transcript(event)
            elif isinstance(event, Translation):
                uid = self._utterance_id(event.utterance_id)
                message = {
                    "type": "translation",
                    "utterance_id": uid,
                    "text": event.text,
                    "final": event.final,
                }
                if uid in self.timeline.caught_up:
                    message["caught_up"] = True
                await self._send(message)
                if event.final:
                    finals.save_translation(self.session.pk, uid, event.text)
            elif isinstance(event, Reconnecting):
                await self._send(_status("reconnecting", _reconnecting(event)))
            elif isinstance(event, Reconnected):
                self._recovering = False
                await self._send(_status("live", _reconnected(event)))
            elif isinstance(event, ServiceError):
                self._note_fault()
                code = protocol.service_error_code(event.error)
                await self._send(error_event(code, protocol.ENGINE_FAULT, fatal=False))

    def _note_fault(self) -> None:
        """Note on the row when the service failed (saved as the connection lets go of it;
        a resumed session's row already holds the faults of its earlier connections)."""
        since = timezone.now() - self.session.started_at
        self.session.faults.append(max(0, round(since.total_seconds() * 1000)))
        self._recovering = True

    def _utterance_id(self, service_id: str) -> str:
        """The id an utterance is saved and shown under: the service's own in the first
        segment; later segments' services number theirs afresh, so they are prefixed."""
        return service_id if self.segment == 1 else f"{self.segment}:{service_id}"

    async def _on_transcript(self, event: Transcript) -> None:
        uid = self._utterance_id(event.utterance_id)
        message = {
            "type": "transcript",
            "utterance_id": uid,
            "text": event.text,
            "final": event.final,
            "start": event.start.isoformat() if event.start else None,
            "duration": event.duration_ms,
        }
        audio_range = None
        if event.offset_ms is not None:
            audio_range = self.timeline.place(uid, event.offset_ms, event.duration_ms)
            message["audio_start_ms"], message["audio_end_ms"] = audio_range
            if self.timeline.reached_live_edge(audio_range[0]):
                await self._send(self.timeline.end_catch_up())
        if uid in self.timeline.caught_up:
            message["caught_up"] = True
        await self._send(message)
        if event.final:
            # When it was said: the audio timeline counts every moment since the session
            # began, gaps included, which the service's clock does not for caught-up audio.
            spoken = event.start
            if audio_range is not None:
                spoken = self.session.started_at + timedelta(milliseconds=audio_range[0])
            finals.save_transcript(
                self.session.pk, uid, event.text, spoken, event.duration_ms, audio_range
            )

    async def _forward_audio(self, pcm: bytes) -> None:
        """Translated speech, from the stream's reader to the page as each frame arrives."""
        self._last_event = asyncio.get_running_loop().time()
        self.audio_out += len(pcm) / BYTES_PER_SECOND
        if not self.timeline.skips(len(pcm)):
            await self._to_page(bytes_data=pcm)

    async def _finish(self, status: str, error: str) -> None:
        if self._room is not None and self.session is not None:
            await self._room.finish()
        if self.session is None and self._creating is not None:
            with contextlib.suppress(Exception):
                self.session = await self._creating
        if self.session is None:
            return
        # Shielded: when the browser has left, ``close`` cancels again after a second, and
        # that must not stop the row from being marked ended once its finals are written.
        await asyncio.shield(self._end_row(status, error))

    async def _end_row(self, status: str, error: str) -> None:
        all_saved = await finals.written(self.session.pk)
        if self._handed_over:
            # The connection that resumed the session carries the row on.
            await store.save_counters(self.session, self.audio_in, self.audio_out)
            logger.info("Live session %s handed over to a resuming connection", self.session.pk)
            return
        if not all_saved:
            status, error = Status.FAILED, protocol.NOT_ALL_SAVED
        resumable_until = None
        if self._resumable and all_saved:
            resumable_until = timezone.now() + timedelta(seconds=settings.LIVE_RESUME_SECONDS)
        try:
            await store.finish_session(
                self.session, status, error, self.audio_in, self.audio_out, resumable_until
            )
        except Exception:
            logger.exception("Could not mark live session %s ended", self.session.pk)
            return
        logger.info(
            "Live session %s ended %s (%.1f s in, %.1f s out)",
            self.session.pk,
            status,
            self.audio_in,
            self.audio_out,
        )

    async def _say_goodbye(self, close_code: int = 1000) -> None:
        """Tell the page how the session ended and where it is saved, then close."""
        if self.session is not None:
            await self._send(
                {
                    "type": "ended",
                    "status": self.session.status,
                    "session_id": self.session.pk,
                    "history_url": reverse("history_session", args=[self.session.pk]),
                }
            )
        await self._close_page(close_code)

    async def _close_page(self, code: int) -> None:
        if not self._page_gone:
            await self.socket.close(code)

    async def _send(self, message: dict) -> None:
        await self._to_page(text_data=json.dumps(message))

    async def _to_page(self, **frame) -> None:
        """Send to the page; a page that has just gone is not the session's failure (its
        disconnect ends the session as completed), so the send is dropped quietly."""
        if self._page_gone:
            return
        try:
            await self.socket.send(**frame)
        except Exception as exc:
            self._page_gone = True
            logger.info("The page went away mid-send (%s)", type(exc).__name__)


def _status(state: str, message: str) -> dict:
    return {"type": "status", "state": state, "message": message}


def _reconnecting(event: Reconnecting) -> str:
    return f"Connection to the translation service lost; reconnecting (attempt {event.attempt})…"


def _reconnected(event: Reconnected) -> str:
    lost = event.dropped_bytes / BYTES_PER_SECOND
    if lost >= 0.1:
        return f"Live again ({lost:.1f} s of audio could not be sent while reconnecting)."
    return "Live again."

"""One voice-translation stream: config first, wait for ready, then PCM both ways.

A stream owns its WebSocket, a sender task and a reader (supervisor) task. Audio given to
:meth:`KrispStream.send_audio` goes out at once when the socket is idle, and otherwise into
a bounded buffer that the sender drains, so a caller never waits on the network; while the
connection is down the buffer holds up to 30 s, and past its bound the oldest audio is
dropped and counted. When the connection drops, the supervisor reconnects with jittered
exponential backoff, sends the config again, waits for ready, and reports both steps as
events; it then sends again the audio the old connection never finished (``retention``), so
no utterance is cut short or recognised twice. Opening, a busy engine (429), a refused
connection or a balancer without a free engine is tried again through the same URL a few
times (``busy_retries``) before the caller hears of it: behind a load balancer the next
attempt may reach another engine.

Transcripts carry ``offset_ms``: where they start on the stream's own audio timeline (the
audio given to :meth:`KrispStream.send_audio`, from its first byte), across reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import quote

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI
from websockets.protocol import State

from .config import SessionConfig
from .errors import (
    KrispConfigError,
    KrispConnectionError,
    KrispError,
    KrispUnauthorized,
    error_for_code,
)
from .events import (
    Audio,
    ErrorFrame,
    Event,
    Ready,
    Reconnected,
    Reconnecting,
    ServiceError,
    Transcript,
    Translation,
    parse_text_frame,
)
from .retention import UnconfirmedAudio

logger = logging.getLogger(__name__)

BYTES_PER_SECOND = 16000 * 2

# ``key_provider(refresh)`` returns a session key; ``refresh=True`` asks for a new one.
KeyProvider = Callable[[bool], Awaitable[str]]
# Where :meth:`KrispStream.deliver_audio` sends each frame of translated speech.
AudioSink = Callable[[bytes], Awaitable[None]]


@dataclass(frozen=True)
class StreamOptions:
    """Timeouts and bounds; the defaults suit a live meeting."""

    open_timeout: float = 10.0
    ready_timeout: float = 20.0  # Krisp's SDK gives up after 20 s without ready.
    ping_interval: float | None = 10.0
    ping_timeout: float | None = 10.0
    close_timeout: float = 2.0
    max_frame_bytes: int = 1 << 20
    # Audio held while a connection is down, and sent audio kept until a final covers it.
    buffer_seconds: float = 30.0
    reconnect_attempts: int = 5
    # A connection that lived this long was a real recovery; a shorter one counts as
    # another failed attempt, so a service that drops every connection can't loop forever.
    stable_seconds: float = 30.0
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    event_queue_size: int = 1024
    # Opening: tries after the first when the engine is busy or refuses the connection,
    # and the first pause between them (doubling, jittered).
    busy_retries: int = 3
    busy_backoff_base: float = 0.2

    def backoff(self, attempt: int, base: float | None = None) -> float:
        """Exponential backoff with equal jitter (half fixed, half random) for ``attempt``."""
        base = self.backoff_base if base is None else base
        ceiling = min(self.backoff_cap, base * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)


def stream_url(ws_url: str, session_key: str) -> str:
    """``ws_url`` with ``authorization=Api-Key <key>`` percent-encoded (space as %20)."""
    separator = "&" if "?" in ws_url else "?"
    return f"{ws_url}{separator}authorization={quote('Api-Key ' + session_key, safe='')}"


class _End:
    """Queue sentinel: the stream is over, with ``error`` or cleanly."""

    def __init__(self, error: KrispError | None) -> None:
        self.error = error


class KrispStream:
    """An open stream; use through :meth:`KrispClient.stream` as an async context manager.

    Iterating yields :data:`Event` values until the stream is closed; a permanent service
    error or exhausted reconnects end the iteration by raising the :class:`KrispError`.
    """

    def __init__(
        self,
        config: SessionConfig,
        key_provider: KeyProvider,
        ws_url: str,
        options: StreamOptions | None = None,
    ) -> None:
        self.config = config
        self.options = options or StreamOptions()
        self._key_provider = key_provider
        self._audio_sink: AudioSink = self._queue_audio
        self._ws_url = ws_url
        self._ws: ClientConnection | None = None
        self._connected = asyncio.Event()
        self._audio_waiting = asyncio.Event()
        self._buffer: deque[tuple[int, bytes]] = deque()
        self._buffered_bytes = 0
        self._max_buffer_bytes = int(self.options.buffer_seconds * BYTES_PER_SECOND)
        self._events: asyncio.Queue[Event | _End] = asyncio.Queue(self.options.event_queue_size)
        self._tasks: list[asyncio.Task] = []
        self._closing = False
        self._sending = 0  # sequence number of the chunk on the wire, 0 when none
        self._refresh_key = False
        self._connected_at = 0.0
        self._flaps = 0  # reconnects in a row whose connection did not stay up
        self._keys_refused = 0  # 401s after ready in a row, without a stable connection
        self._ended: _End | None = None
        self.bytes_sent = 0
        self.bytes_received = 0
        self.dropped_bytes = 0
        self.reconnects = 0
        # The stream's audio timeline: bytes accepted so far, the offset of the first byte the
        # current connection was sent, and when that connection's config went out.
        self._accepted = 0
        self._origin = 0
        self._config_sent_at = datetime.now(UTC)
        self._unconfirmed = UnconfirmedAudio(self._max_buffer_bytes)

    async def open(self) -> None:
        """Connect, send the config, and wait for ready; raises the KrispError family."""
        self.config.validate()
        self._ws = await self._establish_somewhere()
        self._connected.set()
        self._connected_at = asyncio.get_running_loop().time()
        self._tasks = [
            asyncio.create_task(self._supervise(), name="krisp-reader"),
            asyncio.create_task(self._send_loop(), name="krisp-sender"),
        ]

    def send_audio(self, pcm: bytes) -> None:
        """Queue 16 kHz mono s16le PCM for sending; never waits on the network."""
        if self._ended is not None and self._ended.error is not None:
            raise self._ended.error
        if self._closing or self._ended is not None:
            raise KrispConnectionError("The stream is closed")
        if len(pcm) % 2:
            raise ValueError("PCM must be whole 16-bit samples (an even number of bytes)")
        if not pcm:
            return
        offset = self._accepted
        self._accepted += len(pcm)
        if self._send_now(pcm, offset):
            return
        # A chunk's sequence number is its offset + 1: unique, increasing, and never 0.
        self._buffer.append((offset + 1, bytes(pcm)))
        self._buffered_bytes += len(pcm)
        while self._buffered_bytes > self._max_buffer_bytes and len(self._buffer) > 1:
            sequence, dropped = self._buffer.popleft()
            self._buffered_bytes -= len(dropped)
            if sequence != self._sending:
                self.dropped_bytes += len(dropped)
        self._audio_waiting.set()

    def _send_now(self, pcm: bytes, offset: int) -> bool:
        """Write ``pcm`` to the socket now if nothing is ahead of it and the socket is idle.

        Most frames arrive while the buffer is empty and the socket's write buffer too; for
        them, waking the sender task (and going through ``send()``'s flow control) cost more
        than the write itself, 50 times a second per session. Writing a frame into the
        protocol and then onto the transport is what ``send()`` does without suspending, so
        this never waits either. Anything queued, in flight or unsent keeps the slow path,
        which preserves order and the buffer's bound and drop counting.
        """
        ws = self._ws
        if self._buffer or self._sending or not self._connected.is_set():
            return False
        transport = ws.transport
        if ws.state is not State.OPEN or transport.is_closing():
            return False
        if transport.get_write_buffer_size():
            return False
        ws.protocol.send_binary(pcm)
        ws.send_data()
        self.bytes_sent += len(pcm)
        self._unconfirmed.sent(offset, pcm)
        return True

    def deliver_audio(self, sink: AudioSink) -> None:
        """Hand each later frame of translated speech to ``sink`` instead of the event queue.

        The reader awaits ``sink(pcm)`` as each frame arrives, which saves a queue and a
        task switch per frame; audio then no longer waits behind text events still in the
        queue. Call it right after the stream opens, before awaiting anything: it refuses
        once audio has arrived, so no frame is ever left behind in the queue.
        """
        if self.bytes_received:
            raise RuntimeError("deliver_audio() must be called before any audio arrives")
        self._audio_sink = sink

    @property
    def buffered_seconds(self) -> float:
        """Audio waiting to be sent."""
        return self._buffered_bytes / BYTES_PER_SECOND

    def __aiter__(self) -> KrispStream:
        return self

    async def __anext__(self) -> Event:
        if self._ended is not None and self._events.empty():
            self._finish_iteration(self._ended)
        item = await self._events.get()
        if isinstance(item, _End):
            self._finish_iteration(item)
        return item

    @staticmethod
    def _finish_iteration(end: _End) -> None:
        if end.error is not None:
            raise end.error
        raise StopAsyncIteration

    async def close(self) -> None:
        """Close the socket and stop both tasks; safe to call more than once."""
        self._closing = True
        ws = self._ws
        if ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), self.options.close_timeout + 1)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        self._end(None)

    async def _establish_somewhere(self) -> ClientConnection:
        """:meth:`_establish`, tried again up to ``busy_retries`` times through the same URL
        while the refusal is one another engine behind a balancer may not make."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._establish()
            except KrispError as exc:
                if not exc.elsewhere or attempt > self.options.busy_retries:
                    raise
                delay = self.options.backoff(attempt, self.options.busy_backoff_base)
                logger.info("Engine busy or unreachable (%s); trying again in %.1f s", exc, delay)
                await asyncio.sleep(delay)

    async def _establish(self) -> ClientConnection:
        """Connect and handshake; a 401 gets one retry with a fresh session key."""
        if self._refresh_key:
            self._refresh_key = False
            return await self._connect_once(refresh_key=True)
        try:
            return await self._connect_once(refresh_key=False)
        except KrispUnauthorized:
            logger.info("Session key refused; fetching a fresh one")
            return await self._connect_once(refresh_key=True)

    async def _connect_once(self, *, refresh_key: bool) -> ClientConnection:
        key = await self._key_provider(refresh_key)
        url = stream_url(self._ws_url, key)
        options = self.options
        try:
            ws = await connect(
                url,
                open_timeout=options.open_timeout,
                ping_interval=options.ping_interval,
                ping_timeout=options.ping_timeout,
                close_timeout=options.close_timeout,
                max_size=options.max_frame_bytes,
                compression=None,
                proxy=None,
            )
        except InvalidStatus as exc:
            status = exc.response.status_code
            error = error_for_code(
                status, "", f"The service refused the connection (HTTP {status})"
            )
            error.elsewhere = error.elsewhere or status in (502, 503)
            raise error from None
        except InvalidURI:
            raise KrispConfigError("The streaming URL (KRISP_WS_URL) is not valid") from None
        except (OSError, TimeoutError, InvalidHandshake) as exc:
            error = KrispConnectionError(
                f"Could not connect to the streaming service: {type(exc).__name__}"
            )
            error.elsewhere = isinstance(exc, ConnectionRefusedError)
            raise error from None
        try:
            # A service that refuses at once may have closed before the config went out;
            # its error frame is still there to read, so a failed send is not the end.
            with contextlib.suppress(ConnectionClosed):
                self._config_sent_at = datetime.now(UTC)
                await ws.send(json.dumps(self.config.to_message()))
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancel
            # that lands in the step ready arrives, leaving a cancelled caller running.
            async with asyncio.timeout(options.ready_timeout):
                await self._await_ready(ws)
        except TimeoutError:
            await _abandon(ws)
            raise KrispConnectionError(
                f"The service did not answer ready within {options.ready_timeout:g} s"
            ) from None
        except ConnectionClosed as exc:
            raise KrispConnectionError(f"The service closed the connection ({_why(exc)})") from None
        except BaseException:
            await _abandon(ws)
            raise
        return ws

    async def _await_ready(self, ws: ClientConnection) -> None:
        while True:
            message = await ws.recv()
            if isinstance(message, bytes):
                continue
            event = parse_text_frame(message)
            if isinstance(event, Ready):
                return
            if isinstance(event, ErrorFrame):
                raise event.error

    async def _supervise(self) -> None:
        """Read events; on a dropped connection, reconnect; end the stream when it is over."""
        error: KrispError | None = None
        try:
            while True:
                reason = await self._read(self._ws)
                if self._closing:
                    break
                await self._reconnect(reason)
        except KrispError as exc:
            error = exc
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("Voice-translation stream failed unexpectedly")
            error = KrispConnectionError("The stream failed unexpectedly")
        finally:
            self._connected.clear()
        if error is not None and self._ws is not None:
            await _abandon(self._ws)
        self._end(error)

    async def _read(self, ws: ClientConnection) -> str:
        """Pump one connection's frames into the queue; returns why it ended."""
        try:
            async for message in ws:
                if isinstance(message, bytes):
                    if message:
                        self.bytes_received += len(message)
                        await self._audio_sink(message)
                    continue
                event = parse_text_frame(message)
                if isinstance(event, Transcript):
                    await self._put(self._placed(event))
                elif isinstance(event, Translation):
                    await self._put(event)
                elif isinstance(event, ErrorFrame):
                    if isinstance(event.error, KrispUnauthorized):
                        self._keys_refused = 1 if self._stable() else self._keys_refused + 1
                        if self._keys_refused > 1:
                            raise KrispUnauthorized("The service refused a fresh session key too")
                        self._refresh_key = True
                        await _abandon(ws)
                        return "the session key was refused"
                    if event.error.permanent:
                        raise event.error
                    await self._put(ServiceError(event.error))
            return "the service closed the connection"
        except ConnectionClosed as exc:
            return f"the connection dropped ({_why(exc)})"

    def _placed(self, event: Transcript) -> Transcript:
        """``event`` with its ``offset_ms`` on the stream's timeline; a final also confirms
        the audio it covers (see ``retention``)."""
        if event.start is None:
            return event
        since_config = (event.start - self._config_sent_at).total_seconds() * 1000
        offset_ms = round(self._origin * 1000 / BYTES_PER_SECOND + max(0.0, since_config))
        if event.final:
            end = (offset_ms + event.duration_ms) * BYTES_PER_SECOND // 1000
            self._unconfirmed.confirm(end - end % 2)
        return replace(event, offset_ms=offset_ms)

    def _resend_unconfirmed(self) -> int:
        """Put the audio the old connection never finished back ahead of the unsent audio,
        and start the new connection's timeline at it; returns how much is resent."""
        chunks, lost = self._unconfirmed.take()
        self.dropped_bytes += lost
        resent = sum(len(chunk) for _, chunk in chunks)
        self._buffer.extendleft((offset + 1, chunk) for offset, chunk in reversed(chunks))
        self._buffered_bytes += resent
        self._origin = self._buffer[0][0] - 1 if self._buffer else self._accepted
        if self._buffer:
            self._audio_waiting.set()
        return resent

    def _stable(self) -> bool:
        lived = asyncio.get_running_loop().time() - self._connected_at
        return lived >= self.options.stable_seconds

    async def _reconnect(self, reason: str) -> None:
        self._connected.clear()
        logger.warning("Voice-translation connection lost: %s", reason)
        recovered_briefly = self.reconnects > 0 and not self._stable()
        self._flaps = self._flaps + 1 if recovered_briefly else 0
        last_error: KrispError | None = None
        first = self._flaps + 1
        for attempt in range(first, self.options.reconnect_attempts + 1):
            delay = self.options.backoff(attempt)
            await self._put(Reconnecting(attempt=attempt, delay=delay, reason=reason))
            await asyncio.sleep(delay)
            try:
                self._ws = await self._establish()
            except KrispError as exc:
                if exc.permanent and not exc.elsewhere:
                    raise
                last_error = exc
                logger.warning("Reconnect attempt %d failed: %s", attempt, exc)
                continue
            self.reconnects += 1
            resent = self._resend_unconfirmed()
            self._connected.set()
            self._connected_at = asyncio.get_running_loop().time()
            await self._put(
                Reconnected(attempt=attempt, dropped_bytes=self.dropped_bytes, resent_bytes=resent)
            )
            return
        raise KrispConnectionError(
            f"Lost the connection and {self.options.reconnect_attempts} reconnects failed"
            + (f" (last: {last_error.description})" if last_error else "")
            + (" (the service kept dropping new connections)" if first > 1 else "")
        )

    async def _send_loop(self) -> None:
        """Drain the audio buffer into whichever connection is current."""
        while True:
            await self._audio_waiting.wait()
            await self._connected.wait()
            ws = self._ws
            while self._buffer and self._connected.is_set() and ws is self._ws:
                sequence, chunk = self._buffer[0]
                self._sending = sequence
                try:
                    await ws.send(chunk)
                except ConnectionClosed:
                    self._connected.clear()
                    break
                finally:
                    self._sending = 0
                # While it was on the wire, a full buffer may have let it go already.
                if self._buffer and self._buffer[0][0] == sequence:
                    self._buffer.popleft()
                    self._buffered_bytes -= len(chunk)
                self.bytes_sent += len(chunk)
                self._unconfirmed.sent(sequence - 1, chunk)
            if not self._buffer:
                self._audio_waiting.clear()

    async def _put(self, event: Event) -> None:
        await self._events.put(event)

    async def _queue_audio(self, pcm: bytes) -> None:
        await self._put(Audio(pcm))

    def _end(self, error: KrispError | None) -> None:
        """Mark the stream over once; wake a reader waiting on an empty queue."""
        if self._ended is None:
            self._ended = _End(error)
            with contextlib.suppress(asyncio.QueueFull):
                self._events.put_nowait(self._ended)


async def _abandon(ws: ClientConnection) -> None:
    with contextlib.suppress(Exception):
        await asyncio.wait_for(ws.close(), 2)


def _why(exc: ConnectionClosed) -> str:
    frame = exc.rcvd or exc.sent
    if frame is None:
        return "no close frame"
    return f"code {frame.code}"

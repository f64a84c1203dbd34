"""A scripted fake of Krisp's hosted service on a real socket on 127.0.0.1.

Krisp's service is out of reach from here, so this peer stands in for it: it serves the
two REST calls and the ``/vt`` WebSocket on one port, checks what a client sends (the
headers, the query string, the first frame, the frame types), records it all, and
replies as a test scripts it. ``behaviour`` is a coroutine run for each connection after
the config frame arrived; the helpers below script the usual ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
import struct
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

API_KEY = "test-api-key-0123456789"
LANGUAGES = [
    {"name": "English (United States)", "language_code": "en-US"},
    {"name": "Spanish (Spain)", "language_code": "es-ES"},
    {"name": "French", "language_code": "fr-FR"},
]


@dataclass
class Connection:
    """What one client connection sent, for a test to inspect."""

    ws: ServerConnection
    raw_query: str
    session_key: str | None
    first_frame: object = None
    config: dict | None = None
    frames: list[tuple[str, int]] = field(default_factory=list)  # ("text"|"binary", size)
    audio: bytearray = field(default_factory=bytearray)
    texts: list[str] = field(default_factory=list)

    async def send_json(self, payload: dict) -> None:
        await self.ws.send(json.dumps(payload))

    async def ready(self) -> None:
        await self.send_json({"type": "ready"})

    async def error(self, code: int, reason: str = "", description: str = "") -> None:
        await self.send_json(
            {"error": {"code": code, "reason": reason or str(code), "description": description}}
        )

    def reference_id(self) -> str | None:
        return ((self.config or {}).get("metadata") or {}).get("reference_id")

    async def frames_in(self):
        """Every later frame, recorded; ends when the client closes."""
        try:
            async for message in self.ws:
                self._record(message)
                yield message
        except ConnectionClosed:
            return

    def _record(self, message: str | bytes) -> None:
        if isinstance(message, bytes):
            self.frames.append(("binary", len(message)))
            self.audio.extend(message)
        else:
            self.frames.append(("text", len(message)))
            self.texts.append(message)


Behaviour = Callable[[Connection], Awaitable[None]]


class FakeKrisp:
    """Start with ``async with FakeKrisp() as fake``; point a client at ``fake.api_base``."""

    def __init__(self, behaviour: Behaviour | None = None) -> None:
        self.behaviour: Behaviour = behaviour or echo()
        self.api_keys = {API_KEY}
        self.session_keys: dict[str, datetime] = {}
        self.languages: list = list(LANGUAGES)
        self.http_requests: list[Request] = []
        self.connections: list[Connection] = []
        self.token_status: int = 200
        self.languages_status: int = 200
        self.languages_body: object | None = None
        self.ws_handshake_status: int | None = None
        self.session_key_lifetime = timedelta(minutes=60)
        self._key_ids = itertools.count(1)
        self._server = None
        self._handlers: list[asyncio.Task] = []
        self.port = 0

    async def __aenter__(self) -> FakeKrisp:
        self._server = await serve(
            self._handle, "127.0.0.1", 0, process_request=self._process_request, max_size=None
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc) -> None:
        self._server.close()
        for task in self._handlers:
            task.cancel()
        await self._server.wait_closed()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/v2/sdk"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/vt"

    def expire_all_session_keys(self) -> None:
        for key in self.session_keys:
            self.session_keys[key] = datetime.now(UTC) - timedelta(seconds=1)

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        self.http_requests.append(request)
        url = urlsplit(request.path)
        if url.path == "/v2/sdk/voice-translation/session/token":
            return self._token(connection, request, parse_qs(url.query))
        if url.path == "/v2/sdk/voice-translation/languages":
            return self._languages(connection, request)
        if url.path != "/vt":
            return _json(HTTPStatus.NOT_FOUND, {"error": "not found"})
        if self.ws_handshake_status is not None:
            return _json(self.ws_handshake_status, {"error": "refused"})
        return None

    def _api_key_ok(self, request: Request, scheme: str) -> bool:
        header = request.headers.get("Authorization", "")
        # Faithful clients send the scheme exactly as the reference spells it.
        return header.startswith(scheme + " ") and header[len(scheme) + 1 :] in self.api_keys

    def _token(self, connection, request: Request, query: dict) -> Response:
        if not self._api_key_ok(request, "api-key"):
            return _json(401, {"error": {"code": 401, "description": "Invalid API key"}})
        if self.token_status != 200:
            return _json(self.token_status, {"error": {"description": "scripted"}})
        try:
            ttl = int(query["expiration_ttl"][0])
        except (KeyError, ValueError):
            return _json(400, {"error": {"description": "expiration_ttl required"}})
        if not 5 <= ttl <= 1440:
            return _json(400, {"error": {"description": "expiration_ttl out of range"}})
        key = "session_key_" + secrets.token_hex(8)
        expires = datetime.now(UTC) + min(self.session_key_lifetime, timedelta(minutes=ttl))
        self.session_keys[key] = expires
        data = {
            "session_key": key,
            "expires_at": expires.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "key_id": next(self._key_ids),
            "status": "active",
            "type": "session",
        }
        return _json(200, {"success": True, "code": 0, "data": data, "req_id": "r1"})

    def _languages(self, connection, request: Request) -> Response:
        if not self._api_key_ok(request, "API-Key"):
            return _json(401, {"error": {"code": 401, "description": "Invalid API key"}})
        if self.languages_status != 200:
            return _json(self.languages_status, {"error": {"description": "scripted"}})
        body = self.languages_body
        if body is None:
            body = {"success": True, "code": 0, "data": self.languages, "req_id": "r2"}
        return _json(200, body)

    async def _handle(self, ws: ServerConnection) -> None:
        self._handlers.append(asyncio.current_task())
        query = urlsplit(ws.request.path).query
        auth = parse_qs(query).get("authorization", [""])[0]
        key = auth[len("Api-Key ") :] if auth.startswith("Api-Key ") else None
        conn = Connection(ws=ws, raw_query=query, session_key=key)
        self.connections.append(conn)
        expires = self.session_keys.get(key or "")
        try:
            first = await asyncio.wait_for(ws.recv(), 10)
        except (TimeoutError, ConnectionClosed):
            return
        conn._record(first)
        conn.first_frame = first
        if expires is None or expires <= datetime.now(UTC):
            await conn.error(401, "Unauthorized", "Invalid or expired session key")
            await ws.close()
            return
        if isinstance(first, bytes):
            await conn.error(400, "Bad Request", "Audio before config")
            await ws.close()
            return
        conn.config = json.loads(first).get("config")
        await self.behaviour(conn)


@contextlib.contextmanager
def in_a_thread(behaviour: Behaviour | None = None) -> Iterator[FakeKrisp]:
    """A FakeKrisp on its own event loop in a thread, for servers in other processes (daphne
    workers) to reach while the test itself blocks."""
    started = threading.Event()
    box: dict = {}

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        stop = loop.create_future()
        async with FakeKrisp(behaviour) as peer:
            box.update(peer=peer, loop=loop, stop=stop)
            started.set()
            await stop

    def run() -> None:
        try:
            asyncio.run(serve())
        except BaseException as exc:  # reported below
            box["error"] = exc
        finally:
            started.set()

    thread = threading.Thread(target=run, name="fake-krisp", daemon=True)
    thread.start()
    if not started.wait(10) or "peer" not in box:
        raise RuntimeError("the fake Krisp peer failed to start") from box.get("error")
    try:
        yield box["peer"]
    finally:
        loop, stop = box["loop"], box["stop"]
        with contextlib.suppress(RuntimeError):  # the loop may already be gone
            loop.call_soon_threadsafe(lambda: stop.done() or stop.set_result(None))
        thread.join(10)


def _json(status: int, body: object) -> Response:
    payload = json.dumps(body).encode()
    headers = Headers([("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return Response(int(status), HTTPStatus(int(status)).phrase, headers, payload)


def echo(frames_per_utterance: int = 25, interim_every: int = 10, phase: int = 0) -> Behaviour:
    """Ready; echo every audio frame back; an utterance per ``frames_per_utterance`` frames.

    ``phase`` counts that many frames as already heard, so the first interim and final come
    sooner: benchmarks give each connection its own, as real speakers pause at their own
    moments rather than all in the same 20 ms.
    """

    async def behaviour(conn: Connection) -> None:
        await conn.ready()
        count = phase
        utterance = 1
        async for message in conn.frames_in():
            if not isinstance(message, bytes):
                continue
            await conn.ws.send(message)
            count += 1
            uid = f"u{utterance}"
            if count % interim_every == 0 and count % frames_per_utterance:
                await conn.send_json(transcript(f"partial {utterance}", uid, final=False))
            if count % frames_per_utterance == 0:
                ref = conn.reference_id()
                await conn.send_json(transcript(f"utterance {utterance}", uid, ref=ref))
                await conn.send_json(translation(f"enunciado {utterance}", uid, ref=ref))
                utterance += 1

    return behaviour


def labelled_frames(first: int, count: int) -> list[bytes]:
    """20 ms frames whose first sample is the frame's number (the rest a steady tone, so no
    frame is silence): a peer can then say exactly which audio an utterance was made of."""
    return [struct.pack("<H", n) + b"\x00\x10" * 319 for n in range(first, first + count)]


def timeline_echo(frames_per_utterance: int = 5, final_delay: float = 0.0) -> Behaviour:
    """Like localvt: echo each frame as speech, and finalise an utterance every
    ``frames_per_utterance`` frames (after ``final_delay`` s), stamped on the audio's own
    timeline (``start`` = when the config came + the audio before it) and named after the
    labelled frames it covers: "frames 10-14", translated "tramas 10-14"."""

    async def behaviour(conn: Connection) -> None:
        heard_from = datetime.now(UTC)
        await conn.ready()
        position = 0  # bytes of audio heard
        first: tuple[int, int] | None = None  # (label, position) of the utterance's start
        count, utterance = 0, 1
        async for message in conn.frames_in():
            if not isinstance(message, bytes):
                continue
            if not any(message):  # a pause (the app's end of speech): time, but nothing said
                position += len(message)
                continue
            await conn.ws.send(message)
            label = struct.unpack_from("<H", message)[0]
            if first is None:
                first = (label, position)
            position += len(message)
            count += 1
            if count % frames_per_utterance:
                continue
            if final_delay:
                await asyncio.sleep(final_delay)
            start = heard_from + timedelta(milliseconds=first[1] / 32)
            body = transcript(f"frames {first[0]}-{label}", f"u{utterance}")
            body["transcript"]["start"] = start.isoformat(timespec="milliseconds")
            body["transcript"]["duration"] = (position - first[1]) // 32
            await conn.send_json(body)
            await conn.send_json(translation(f"tramas {first[0]}-{label}", f"u{utterance}"))
            first, utterance = None, utterance + 1

    return behaviour


def transcript(text: str, uid: str, *, final: bool = True, ref: str | None = None) -> dict:
    body = {
        "text": text,
        "final": final,
        "start": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "duration": 500,
        "utterance_id": uid,
    }
    if ref is not None:
        body["reference_id"] = ref
    return {"transcript": body}


def translation(text: str, uid: str, *, final: bool = True, ref: str | None = None) -> dict:
    body = {"text": text, "final": final, "utterance_id": uid}
    if ref is not None:
        body["reference_id"] = ref
    return {"translate": body}


def scripted(*steps: dict | bytes | str | float) -> Behaviour:
    """Send each step in order (dicts as JSON, bytes as audio, str as raw text, floats as
    pauses), then keep reading until the client leaves."""

    async def behaviour(conn: Connection) -> None:
        for step in steps:
            if isinstance(step, float):
                await asyncio.sleep(step)
            elif isinstance(step, dict):
                await conn.send_json(step)
            else:
                await conn.ws.send(step)
        async for _ in conn.frames_in():
            pass

    return behaviour


def drop_after_audio(frames: int, then: Behaviour | None = None) -> Behaviour:
    """Ready, read ``frames`` audio frames, then drop the TCP connection without a close
    frame; later connections get ``then`` (default: echo)."""
    dropped = []

    async def behaviour(conn: Connection) -> None:
        if dropped:
            await (then or echo())(conn)
            return
        await conn.ready()
        await conn.send_json(transcript("half an", "u1", final=False))
        count = 0
        async for message in conn.frames_in():
            if isinstance(message, bytes):
                count += 1
                if count >= frames:
                    dropped.append(True)
                    conn.ws.transport.abort()
                    return

    return behaviour


def stall() -> Behaviour:
    """Take the config and never answer."""

    async def behaviour(conn: Connection) -> None:
        with contextlib.suppress(ConnectionClosed):
            await conn.ws.wait_closed()

    return behaviour

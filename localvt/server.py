"""localvt's server: Krisp's REST calls and its ``/vt`` WebSocket on one port.

``GET /v2/sdk/voice-translation/session/token?expiration_ttl=N`` mints session keys from
an API key; ``GET /v2/sdk/voice-translation/languages`` lists what is installed;
``/vt?authorization=Api-Key <key>`` streams. ``/vt`` and the languages call take an API key
or a session key, as Krisp's own browser SDK uses them (one API key for both). Errors use
the reference's shape and codes; after a fatal one the socket closes. The REST calls answer
CORS preflights, without authentication, for the origins in ``LOCALVT_CORS_ORIGINS``.
``/health`` tells a load balancer whether to send new sessions here. :meth:`LocalVT.drain`
stops taking sessions and hands the live ones over. Nothing a client sends can crash it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from . import protocol
from .engines import Engines
from .faults import FaultPlan
from .keys import MAX_TTL_MINUTES, MIN_TTL_MINUTES, KeyStore
from .protocol import ProtocolError
from .session import LiveSession

logger = logging.getLogger(__name__)

API_PREFIX = "/v2/sdk/voice-translation"
FIRST_FRAME_TIMEOUT = 30.0
MAX_FRAME_BYTES = 1 << 20
# After a hand-over is asked for, how long a session may take to reach a pause and answer
# what it heard (on top of the longest utterance) before its socket is closed anyway.
HANDOVER_FINISH_SECONDS = 10.0
PREFLIGHT_MAX_AGE = 600


@dataclass
class ServerOptions:
    """What an operator sets through ``LOCALVT_*`` variables."""

    api_keys: set[str] = field(default_factory=set)
    max_sessions: int = 4
    end_silence_ms: int = 350
    speculate_ms: int = 160
    interim_interval: float = 1.0
    max_utterance_s: float = 12.0
    # Shared by every engine behind one balancer; None: a random one per process.
    secret: str | None = None
    # Origins whose pages may call the REST endpoints; "*" means any.
    cors_origins: frozenset[str] = frozenset()
    # On SIGTERM, how long live sessions may go on before they are handed over.
    drain_seconds: float = 20.0
    faults: FaultPlan = field(default_factory=FaultPlan)


class LocalVT:
    """The server; ``await start(host, port)``, then ``await drain()`` or ``await stop()``."""

    def __init__(self, engines: Engines, options: ServerOptions) -> None:
        self.engines = engines
        self.options = options
        self.keys = KeyStore(options.api_keys, options.secret)
        self.sessions: set[LiveSession] = set()
        self.draining = False
        self._server: Server | None = None
        self._no_sessions = asyncio.Event()
        self._no_sessions.set()

    @property
    def port(self) -> int:
        """The port it listens on (still known while draining, when it no longer listens)."""
        return self._port

    async def start(self, host: str = "127.0.0.1", port: int = 8765) -> None:
        self._server = await serve(
            self._handle,
            host,
            port,
            process_request=self._http,
            max_size=MAX_FRAME_BYTES,
            compression=None,
            server_header="localvt",
        )
        self._port = self._server.sockets[0].getsockname()[1]

    @property
    def accepting(self) -> bool:
        """True while a new session would be taken: not draining and below capacity."""
        return not self.draining and len(self.sessions) < self.options.max_sessions

    async def stop(self) -> None:
        """Stop accepting, close every socket (1001), wait for the sessions to end."""
        if self._server is None:
            return
        await self._close_connections(1001)
        self._server.close()
        await self._server.wait_closed()

    async def drain(self, grace: float | None = None) -> None:
        """Stop taking sessions at once (the port stops listening, so a balancer's health
        check and connection retries send them elsewhere); let live sessions go on for
        ``grace`` seconds (``drain_seconds``); then hand each one over: at its next pause
        it answers what it heard and tells its client, with the reference's 500 error, to
        reconnect, which through a balancer reaches another engine. Returns when every
        session has ended."""
        if self._server is None:
            return
        grace = self.options.drain_seconds if grace is None else grace
        self.draining = True
        self._server.close(close_connections=False)
        logger.info("Draining: %d live sessions get %.0f s to end", len(self.sessions), grace)
        await self._until_no_sessions(grace)
        if self.sessions:
            logger.info("Handing %d sessions over to other engines", len(self.sessions))
            for session in list(self.sessions):
                session.hand_over()
            await self._until_no_sessions(self.options.max_utterance_s + HANDOVER_FINISH_SECONDS)
        await self._close_connections(1012)
        await self._server.wait_closed()

    async def _until_no_sessions(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._no_sessions.wait()

    async def _close_connections(self, code: int) -> None:
        await asyncio.gather(*(c.close(code) for c in self._server.connections))

    def _http(self, connection: ServerConnection, request: Request) -> Response | None:
        url = urlsplit(request.path)
        try:
            if url.path == "/vt":
                return None
            if url.path == "/health":
                return self._health()
            if not url.path.startswith(f"{API_PREFIX}/"):
                return _json(404, _rest_error(404, "Not found"))
            response = self._rest(request, url.path, parse_qs(url.query))
        except Exception:
            logger.exception("REST request failed")
            response = _json(500, _rest_error(500, "The server failed to process the request"))
        return self._with_cors(request, response)

    def _rest(self, request: Request, path: str, query: dict) -> Response:
        if request.method == "OPTIONS":
            return _preflight()
        if request.method != "GET":
            response = _json(405, _rest_error(405, "Only GET is supported"))
            response.headers["Allow"] = "GET, OPTIONS"
            return response
        if path == f"{API_PREFIX}/session/token":
            return self._token(request, query)
        if path == f"{API_PREFIX}/languages":
            return self._languages(request)
        return _json(404, _rest_error(404, "Not found"))

    def _health(self) -> Response:
        """200 while new sessions are taken, 503 when full or draining, so a balancer's
        HTTP check (HAProxy ``http-check expect status 200``) takes the engine out of
        rotation for new sessions; sessions already here carry on."""
        status = "draining" if self.draining else "ok" if self.accepting else "full"
        body = {
            "status": status,
            "accepting": self.accepting,
            "sessions": len(self.sessions),
            "capacity": self.options.max_sessions,
        }
        return _json(200 if self.accepting else 503, body)

    def _with_cors(self, request: Request, response: Response) -> Response:
        """Let pages from the configured origins read the answer, errors included (so a
        browser shows a 401 as a 401, not as a network error). Never credentials."""
        allowed = self.options.cors_origins
        origin = request.headers.get("Origin")
        if not allowed:
            return response
        if "*" in allowed:
            response.headers["Access-Control-Allow-Origin"] = "*"
        else:
            response.headers["Vary"] = "Origin"
            if origin in allowed:
                response.headers["Access-Control-Allow-Origin"] = origin
        return response

    def _token(self, request: Request, query: dict) -> Response:
        # Only an API key mints: a session key minting its successors would never expire.
        api_key = self.keys.api_key(request.headers.get("Authorization"))
        if api_key is None:
            return _json(401, _rest_error(401, "Missing or invalid API key"))
        values = query.get("expiration_ttl", [])
        try:
            ttl = int(values[0])
        except (IndexError, ValueError):
            return _json(400, _rest_error(400, "expiration_ttl (minutes) is required"))
        if not MIN_TTL_MINUTES <= ttl <= MAX_TTL_MINUTES:
            return _json(
                400,
                _rest_error(
                    400, f"expiration_ttl must be {MIN_TTL_MINUTES}..{MAX_TTL_MINUTES} minutes"
                ),
            )
        return _json(200, _success(self.keys.issue(ttl, api_key)))

    def _languages(self, request: Request) -> Response:
        if not self.keys.accepts(request.headers.get("Authorization")):
            return _json(401, _rest_error(401, "Missing, invalid or expired key"))
        return _json(200, _success(self.engines.languages()))

    async def _handle(self, ws: ServerConnection) -> None:
        try:
            await self._serve(ws)
        except ConnectionClosed:
            pass
        except Exception:
            logger.exception("Connection failed")
            await _refuse(ws, 500, "The server failed to process the request")

    async def _serve(self, ws: ServerConnection) -> None:
        query = parse_qs(urlsplit(ws.request.path).query)
        authorization = (query.get("authorization") or [None])[0]
        try:
            first = await asyncio.wait_for(ws.recv(), FIRST_FRAME_TIMEOUT)
        except TimeoutError:
            await _refuse(ws, 400, "No config message arrived")
            return
        if not self.keys.accepts(authorization):
            await _refuse(ws, 401, "Missing, invalid or expired key")
            return
        if self.draining:  # busy: a client retries, and a balancer picks another engine
            await _refuse(ws, 429, "This engine is shutting down and takes no new sessions")
            return
        if len(self.sessions) >= self.options.max_sessions:
            await _refuse(ws, 429, "Max concurrent connections exceeded")
            return
        try:
            settings = protocol.parse_config(first, self.engines.pairs())
        except ProtocolError as exc:
            await _refuse(ws, exc.code, exc.description)
            return
        session = LiveSession(
            ws,
            settings,
            self.engines,
            interim_interval=self.options.interim_interval,
            end_silence_ms=self.options.end_silence_ms,
            speculate_ms=self.options.speculate_ms,
            max_utterance_s=self.options.max_utterance_s,
            faults=self.options.faults,
        )
        self.sessions.add(session)
        self._no_sessions.clear()
        try:
            await ws.send(protocol.ready())
            await session.run()
        finally:
            self.sessions.discard(session)
            if not self.sessions:
                self._no_sessions.set()


async def _refuse(ws: ServerConnection, code: int, description: str) -> None:
    try:
        await ws.send(protocol.error(code, description))
        await ws.close(1011 if code >= 500 else 1000)
    except ConnectionClosed:
        pass


def _preflight() -> Response:
    """A CORS preflight's answer; the origin header is added by ``_with_cors``."""
    headers = Headers(
        [
            ("Access-Control-Allow-Methods", "GET, OPTIONS"),
            ("Access-Control-Allow-Headers", "Authorization"),
            ("Access-Control-Max-Age", str(PREFLIGHT_MAX_AGE)),
            ("Content-Length", "0"),
        ]
    )
    return Response(204, "No Content", headers, b"")


def _success(data: object) -> dict:
    return {"success": True, "code": 0, "data": data, "req_id": secrets.token_hex(8)}


def _rest_error(code: int, description: str) -> dict:
    reason = protocol.REASONS.get(code, HTTPStatus(code).phrase)
    return {
        "success": False,
        "code": code,
        "error": {"code": code, "reason": reason, "description": description},
    }


def _json(status: int, body: object) -> Response:
    payload = json.dumps(body).encode()
    headers = Headers([("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return Response(status, HTTPStatus(status).phrase, headers, payload)

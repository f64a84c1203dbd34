"""localvt's server: Krisp's REST calls and its ``/vt`` WebSocket on one port.

``GET /v2/sdk/voice-translation/session/token?expiration_ttl=N`` mints session keys from
an API key; ``GET /v2/sdk/voice-translation/languages`` lists what is installed;
``/vt?authorization=Api-Key <session key>`` streams. Errors use the reference's shape and
codes; after a fatal one the socket closes. Nothing a client sends can crash the server.
"""

from __future__ import annotations

import asyncio
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
from .keys import MAX_TTL_MINUTES, MIN_TTL_MINUTES, KeyStore
from .protocol import ProtocolError
from .session import LiveSession

logger = logging.getLogger(__name__)

API_PREFIX = "/v2/sdk/voice-translation"
FIRST_FRAME_TIMEOUT = 30.0
MAX_FRAME_BYTES = 1 << 20


@dataclass
class ServerOptions:
    """What an operator sets through ``LOCALVT_*`` variables."""

    api_keys: set[str] = field(default_factory=set)
    max_sessions: int = 4
    end_silence_ms: int = 350
    speculate_ms: int = 160
    interim_interval: float = 1.0
    max_utterance_s: float = 12.0


class LocalVT:
    """The server; ``await start(host, port)``, then ``await stop()``."""

    def __init__(self, engines: Engines, options: ServerOptions) -> None:
        self.engines = engines
        self.options = options
        self.keys = KeyStore(options.api_keys)
        self.sessions: set[LiveSession] = set()
        self._connections: set[ServerConnection] = set()
        self._server: Server | None = None

    @property
    def port(self) -> int:
        return self._server.sockets[0].getsockname()[1]

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

    async def stop(self) -> None:
        """Stop accepting, close every session's socket (1001), wait for them to end."""
        if self._server is None:
            return
        self._server.close(close_connections=True)
        await self._server.wait_closed()

    def _http(self, connection: ServerConnection, request: Request) -> Response | None:
        url = urlsplit(request.path)
        try:
            if url.path == "/vt":
                return None
            if url.path == "/health":
                return _json(200, {"status": "ok", "sessions": len(self.sessions)})
            if url.path == f"{API_PREFIX}/session/token":
                return self._token(request, parse_qs(url.query))
            if url.path == f"{API_PREFIX}/languages":
                return self._languages(request)
            return _json(404, _rest_error(404, "Not found"))
        except Exception:
            logger.exception("REST request failed")
            return _json(500, _rest_error(500, "The server failed to process the request"))

    def _token(self, request: Request, query: dict) -> Response:
        if not self.keys.api_key_ok(request.headers.get("Authorization")):
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
        return _json(200, _success(self.keys.issue(ttl)))

    def _languages(self, request: Request) -> Response:
        if not self.keys.api_key_ok(request.headers.get("Authorization")):
            return _json(401, _rest_error(401, "Missing or invalid API key"))
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
        if not self.keys.session_key_ok(authorization):
            await _refuse(ws, 401, "Missing, invalid or expired session key")
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
        )
        self.sessions.add(session)
        try:
            await ws.send(protocol.ready())
            await session.run()
        finally:
            self.sessions.discard(session)


async def _refuse(ws: ServerConnection, code: int, description: str) -> None:
    try:
        await ws.send(protocol.error(code, description))
        await ws.close()
    except ConnectionClosed:
        pass


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

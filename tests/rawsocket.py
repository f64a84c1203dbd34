"""A real daphne serving the app against a fake Krisp peer, and a WebSocket client whose writes
are exactly the bytes a test gives it: for tests of what crosses the wire (frame paths, limits)
that libraries' own clients would tidy away."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from websockets.client import ClientProtocol
from websockets.datastructures import Headers
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

from tests.fakekrisp import API_KEY, Behaviour, echo, in_a_thread
from tests.ports import answers, daphne_command, free_port

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "raw-socket-test-password-91"
START = {
    "type": "start",
    "source_language": "en-US",
    "target_language": "es-ES",
    "voice": "female",
}


def encode(opcode: int, payload: bytes, *, fin: bool = True) -> bytes:
    """One masked client frame (RFC 6455 5.2), written out by hand."""
    head = bytes([(0x80 if fin else 0) | opcode])
    length = len(payload)
    if length < 126:
        head += bytes([0x80 | length])
    elif length < 1 << 16:
        head += bytes([0x80 | 126]) + struct.pack("!H", length)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", length)
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + masked


def audio(n: int, size: int = 640) -> bytes:
    """A frame of PCM whose bytes say which frame it is."""
    return struct.pack("<I", n) * (size // 4)


@dataclass
class RawClient:
    """A WebSocket client whose writes are exactly the bytes a test gives it."""

    sock: socket.socket
    protocol: ClientProtocol
    frames: list[Frame] = field(default_factory=list)

    def write(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read_until(self, predicate, timeout: float = 10.0) -> None:
        """Read frames until ``predicate(self.frames)`` holds, or fail."""
        deadline = time.monotonic() + timeout
        while not predicate(self.frames):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out; received {self.summary()}")
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                self.protocol.receive_eof()
            else:
                self.protocol.receive_data(chunk)
            self.frames.extend(e for e in self.protocol.events_received() if isinstance(e, Frame))
            if not chunk:
                if not predicate(self.frames):
                    raise AssertionError(f"connection closed; received {self.summary()}")
                return

    def events(self) -> list[dict]:
        return [json.loads(f.data) for f in self.frames if f.opcode is Opcode.TEXT]

    def audio(self) -> list[bytes]:
        return [f.data for f in self.frames if f.opcode is Opcode.BINARY]

    def summary(self) -> str:
        return f"{self.events()} and {len(self.audio())} audio frames"


@dataclass
class Server:
    port: int
    cookie: str
    log: Path


def log_in(port: int) -> str:
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
        client.get("/login/")
        response = client.post(
            "/login/",
            data={
                "username": "owner",
                "password": PASSWORD,
                "csrfmiddlewaretoken": client.cookies["csrftoken"],
            },
        )
        assert response.status_code == 302, response.text[:500]
        return client.cookies["sessionid"]


def connect(server: Server) -> RawClient:
    origin = f"http://127.0.0.1:{server.port}"
    protocol = ClientProtocol(parse_uri(f"ws://127.0.0.1:{server.port}/ws/live/"))
    request = protocol.connect()
    request.headers["Origin"] = origin
    request.headers["Cookie"] = f"sessionid={server.cookie}"
    protocol.send_request(request)
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    for data in protocol.data_to_send():
        sock.sendall(data)
    response = None
    while response is None:
        protocol.receive_data(sock.recv(65536))
        for event in protocol.events_received():
            if isinstance(event, Response):
                response = event
    assert response.status_code == 101, response
    assert isinstance(response.headers, Headers)
    return RawClient(sock, protocol)


def migrated_database(directory: Path) -> dict[str, str]:
    """A migrated SQLite database in ``directory`` with one account owner ("owner"), and the
    environment a daphne serving it needs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KRISP_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="interpreter.settings",
        DEBUG="true",
        SECRET_KEY="raw-socket-test-only-not-a-secret",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{directory / 'db.sqlite3'}",
        REDIS_URL="",
        PYTHONUNBUFFERED="1",
        LOG_LEVEL="INFO",
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [*manage, "createaccount", "Raw", "--owner", "owner", "--password", PASSWORD],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return env


@contextlib.contextmanager
def running_daphne(
    env: dict[str, str], log: Path, behaviour: Behaviour | None = None, **extra: str
) -> Iterator[Server]:
    """daphne on ``env``'s database (plus ``extra``), against a fake Krisp peer playing
    ``behaviour`` (default: an echo with a final every 25 frames), signed in as the owner."""
    with in_a_thread(behaviour or echo(frames_per_utterance=25)) as peer:
        port = free_port()
        env = {
            **env,
            **extra,
            "KRISP_API_KEY": API_KEY,
            "KRISP_API_BASE": peer.api_base,
            "KRISP_WS_URL": peer.ws_url,
        }
        with log.open("wb") as out:
            process = subprocess.Popen(
                daphne_command(port), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        try:
            deadline = time.monotonic() + 30
            while not answers(port):
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            yield Server(port, log_in(port), log)
        finally:
            process.terminate()
            process.wait(20)


def started(server: Server) -> RawClient:
    """A raw client on ``server`` whose session is live (``ready`` received)."""
    client = connect(server)
    client.write(encode(Opcode.TEXT.value, json.dumps(START).encode()))
    client.read_until(lambda _: any(e["type"] == "ready" for e in client.events()))
    return client

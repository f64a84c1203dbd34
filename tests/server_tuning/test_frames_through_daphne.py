"""A real daphne relays every kind of WebSocket frame the same with the tuning on and off.

daphne serves the app as production starts it, against a fake Krisp peer that echoes audio;
a hand-made client writes the frames itself, so it can send what browsers and networks
produce and libraries' clients tidy away: whole frames, a frame split between TCP reads,
two frames in one read, a fragmented message, the 7-, 16- and 64-bit length encodings, a
ping, a text frame, and a stop. What comes back (echoed audio in order, pong, events, the
close code) must be exactly the same whether ``interpreter.server_tuning`` is installed or
``SERVER_TUNING=false`` leaves daphne as shipped; the log says which ran.
"""

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
import pytest
from websockets.client import ClientProtocol
from websockets.datastructures import Headers
from websockets.frames import Close, Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

from tests.fakekrisp import API_KEY, echo, in_a_thread
from tests.ports import answers, daphne_command, free_port

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "frames-test-password-91"
FRAME_SECONDS = 0.02
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


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Iterator[tuple[dict, Path]]:
    """A migrated SQLite database with one account owner, and the environment daphne gets."""
    directory = tmp_path_factory.mktemp("frames")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KRISP_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="interpreter.settings",
        DEBUG="true",
        SECRET_KEY="frames-test-only-not-a-secret",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{directory / 'db.sqlite3'}",
        REDIS_URL="",
        PYTHONUNBUFFERED="1",
        LOG_LEVEL="INFO",
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [*manage, "createaccount", "Frames", "--owner", "frames", "--password", PASSWORD],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    yield env, directory


@pytest.fixture(params=["true", "false"], ids=["tuned", "as-shipped"])
def server(request, database) -> Iterator[Server]:
    """daphne with ``SERVER_TUNING`` set as the parameter says, against an echoing peer."""
    env, directory = database
    with in_a_thread(echo(frames_per_utterance=25)) as peer:
        port = free_port()
        log = directory / f"daphne-{request.param}.log"
        env = {
            **env,
            "SERVER_TUNING": request.param,
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


def log_in(port: int) -> str:
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
        client.get("/login/")
        response = client.post(
            "/login/",
            data={
                "username": "frames",
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


def relay_every_kind_of_frame(server: Server) -> dict:
    """Drive one session through every frame path; returns what the client observed."""
    client = connect(server)
    client.write(encode(Opcode.TEXT.value, json.dumps(START).encode()))
    client.read_until(lambda _: any(e["type"] == "ready" for e in client.events()))
    sent: list[bytes] = []
    # A frame over the app's limit, with a 64-bit length: refused, the session goes on.
    client.write(encode(Opcode.BINARY.value, audio(99, size=70000)))
    # A text frame the app does not understand.
    client.write(encode(Opcode.TEXT.value, b'{"type": "dance"}'))
    client.read_until(lambda _: len(client.events()) >= 4)

    def paced(frames: list[bytes], write) -> None:
        for frame in frames:
            write(frame)
            time.sleep(FRAME_SECONDS)

    # Whole frames, one per read: the common case.
    whole = [audio(n) for n in range(10)]
    paced(whole, lambda f: client.write(encode(Opcode.BINARY.value, f)))
    sent += whole
    # A frame split between two reads, after its first three bytes.
    split = audio(10)
    raw = encode(Opcode.BINARY.value, split)
    client.write(raw[:3])
    time.sleep(0.05)
    client.write(raw[3:])
    sent.append(split)
    time.sleep(FRAME_SECONDS)
    # Two frames in one read.
    pair = [audio(11), audio(12)]
    client.write(b"".join(encode(Opcode.BINARY.value, f) for f in pair))
    sent += pair
    time.sleep(2 * FRAME_SECONDS)
    # A message in two fragments: binary, then continuation.
    fragmented = audio(13)
    client.write(encode(Opcode.BINARY.value, fragmented[:320], fin=False))
    client.write(encode(Opcode.CONT.value, fragmented[320:]))
    sent.append(fragmented)
    time.sleep(FRAME_SECONDS)
    # Short frames (7-bit length), then a ping in the middle of the audio.
    short = [audio(14 + n, size=100) for n in range(11)]
    paced(short[:5], lambda f: client.write(encode(Opcode.BINARY.value, f)))
    client.write(encode(Opcode.PING.value, b"are you there"))
    paced(short[5:], lambda f: client.write(encode(Opcode.BINARY.value, f)))
    sent += short
    client.read_until(lambda _: len(client.audio()) >= len(sent))
    client.read_until(lambda _: any(e.get("final") for e in client.events()))
    client.write(encode(Opcode.TEXT.value, b'{"type": "stop"}'))
    client.read_until(lambda frames: frames and frames[-1].opcode is Opcode.CLOSE, timeout=20)
    client.sock.close()
    close = client.frames[-1]
    return {
        "audio in order": client.audio() == sent,
        "pongs": [f.data for f in client.frames if f.opcode is Opcode.PONG],
        "events": [
            (e["type"], e.get("code") or e.get("state") or e.get("text") or e.get("status"))
            for e in client.events()
            if not (e["type"] == "transcript" and not e["final"])
        ],
        "close code": struct.unpack("!H", close.data[:2])[0],
    }


@pytest.mark.timeout(60)
def test_a_frame_over_daphnes_limit_closes_the_socket_with_1009_and_a_reason(server):
    client = connect(server)
    client.write(encode(Opcode.TEXT.value, json.dumps(START).encode()))
    client.read_until(lambda _: any(e["type"] == "ready" for e in client.events()))
    huge = encode(Opcode.BINARY.value, bytes(10 * 1024 * 1024))
    with contextlib.suppress(OSError):  # daphne may close before it has read it all
        client.write(huge)
    client.read_until(lambda frames: frames and frames[-1].opcode is Opcode.CLOSE)
    close = Close.parse(client.frames[-1].data)

    assert close.code == 1009
    assert "exceeds payload limit of 1048576 octets" in close.reason


@pytest.mark.timeout(120)
def test_every_kind_of_frame_is_relayed_the_same_with_and_without_the_tuning(server):
    observed = relay_every_kind_of_frame(server)

    assert observed == {
        "audio in order": True,
        "pongs": [b"are you there"],
        "events": [
            ("status", "connecting"),
            ("ready", None),
            ("error", "frame_too_large"),
            ("error", "bad_request"),
            ("transcript", "utterance 1"),
            ("translation", "enunciado 1"),
            ("ended", "completed"),
        ],
        "close code": 1000,
    }
    log = server.log.read_text()
    if "SERVER_TUNING" in log:
        assert "Server tuning is off (SERVER_TUNING=false)" in log
    else:
        assert (
            "Server tuning: installed tcp_writes, fast_frames, reactor_callbacks, frame_masks, "
            "autobahn_logs." in log
        )

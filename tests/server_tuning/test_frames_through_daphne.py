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

import struct
import time

import pytest
from websockets.frames import Opcode

from tests.rawsocket import Server, audio, encode, migrated_database, running_daphne, started

FRAME_SECONDS = 0.02


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    directory = tmp_path_factory.mktemp("frames")
    return migrated_database(directory), directory


@pytest.fixture(params=["true", "false"], ids=["tuned", "as-shipped"])
def server(request, database):
    """daphne with ``SERVER_TUNING`` set as the parameter says, against an echoing peer."""
    env, directory = database
    log = directory / f"daphne-{request.param}.log"
    with running_daphne(env, log, SERVER_TUNING=request.param) as server:
        yield server


def relay_every_kind_of_frame(server: Server) -> dict:
    """Drive one session through every frame path; returns what the client observed."""
    client = started(server)
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

"""A WebSocket frame too large for the server closes the live socket with a code and a reason,
never a silent drop of the connection (found by an outsider's probe: a 10 MB frame ended the
socket with no close frame at all)."""

from __future__ import annotations

import contextlib

import pytest
from websockets.frames import Close, Opcode

from tests.rawsocket import encode, migrated_database, running_daphne, started


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("oversized")
    # Each test's session is still collecting its tail as the next starts.
    with running_daphne(
        migrated_database(directory), directory / "daphne.log", LIVE_MAX_SESSIONS_PER_USER="10"
    ) as server:
        yield server


@pytest.mark.timeout(60)
@pytest.mark.parametrize("megabytes", [2, 10])
def test_a_frame_over_daphnes_limit_closes_the_socket_with_1009_and_a_reason(server, megabytes):
    client = started(server)
    with contextlib.suppress(OSError):  # daphne may close before it has read it all
        client.write(encode(Opcode.BINARY.value, bytes(megabytes * 1024 * 1024)))
    client.read_until(lambda frames: frames and frames[-1].opcode is Opcode.CLOSE)
    close = Close.parse(client.frames[-1].data)

    assert close.code == 1009
    assert "exceeds payload limit of 1048576 octets" in close.reason


@pytest.mark.timeout(60)
def test_a_frame_over_the_apps_limit_is_refused_and_the_session_goes_on(server):
    client = started(server)
    client.write(encode(Opcode.BINARY.value, bytes(100_000)))
    client.read_until(lambda _: any(e["type"] == "error" for e in client.events()))
    refusal = next(e for e in client.events() if e["type"] == "error")

    assert refusal == {
        "type": "error",
        "code": "frame_too_large",
        "message": "An audio frame was larger than 16000 bytes; it was skipped.",
        "fatal": False,
    }
    client.write(encode(Opcode.TEXT.value, b'{"type": "stop"}'))
    client.read_until(lambda frames: frames and frames[-1].opcode is Opcode.CLOSE)
    assert Close.parse(client.frames[-1].data).code == 1000
    assert client.events()[-1]["type"] == "ended"

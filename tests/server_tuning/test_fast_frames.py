"""daphne's one-step frame paths do exactly what autobahn's own do, on the same bytes.

Each test runs two autobahn server protocols over Twisted's in-memory transport: one as
autobahn ships it, one with ``interpreter.server_tuning.fast_frames``'s ``processData`` and
``sendMessage``. Both get the same bytes, split the same way, and must deliver the same
messages, answer with the same bytes, and end in the same state with the same counters.
Other tests check that the fast path really is the one taken for plain binary frames.
"""

from __future__ import annotations

import random

import pytest
from autobahn.exception import Disconnected
from autobahn.twisted.websocket import WebSocketServerFactory, WebSocketServerProtocol
from autobahn.websocket.protocol import WebSocketProtocol
from daphne import ws_protocol
from twisted.internet.testing import StringTransport

from interpreter.server_tuning import fast_frames

HANDSHAKE = (
    b"GET /ws/live/ HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
    b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    b"Sec-WebSocket-Version: 13\r\n\r\n"
)


class Transport(StringTransport):
    """Twisted's in-memory transport, letting autobahn drop a connection it never paused."""

    def unregisterProducer(self) -> None:
        self.producer = None


class Autobahns(WebSocketServerProtocol):
    """A server protocol that records what it delivers, as autobahn ships it."""

    def onConnect(self, request):
        self.received: list[tuple[bytes, bool]] = []
        self.closed: tuple | None = None

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        self.received.append((payload, isBinary))

    def onClose(self, wasClean, code, reason) -> None:
        self.closed = (wasClean, code, reason)


class Ours(Autobahns):
    processData = fast_frames.process_data
    sendMessage = fast_frames.send_message


def opened(protocol_class: type, **options) -> WebSocketServerProtocol:
    factory = WebSocketServerFactory("ws://localhost")
    factory.protocol = protocol_class
    factory.setProtocolOptions(openHandshakeTimeout=0, closeHandshakeTimeout=0, **options)
    protocol = factory.buildProtocol(None)
    protocol.makeConnection(Transport())
    protocol.dataReceived(HANDSHAKE)
    assert protocol.state == WebSocketProtocol.STATE_OPEN
    protocol.transport.clear()
    return protocol


def frame(opcode: int, payload: bytes, *, fin=True, rsv=0, masked=True, wide=False) -> bytes:
    """One client frame; ``wide`` spells a short length the long way (which is an error)."""
    first = (0x80 if fin else 0) | rsv << 4 | opcode
    mask_bit = 0x80 if masked else 0
    n = len(payload)
    if n < 126 and not wide:
        header = bytes((first, mask_bit | n))
    elif n <= 0xFFFF:
        header = bytes((first, mask_bit | 126)) + n.to_bytes(2, "big")
    else:
        header = bytes((first, mask_bit | 127)) + n.to_bytes(8, "big")
    if not masked:
        return header + payload
    key = random.Random(n).randbytes(4)
    return header + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def binary(n: int) -> bytes:
    return frame(2, bytes(i % 251 for i in range(n)))


STREAMS = {
    "binary frames of every length encoding": b"".join(
        binary(n) for n in (0, 1, 125, 126, 640, 640, 65535, 65536, 70000)
    ),
    "binary between text, ping and a fragmented message": b"".join(
        [
            binary(640),
            frame(1, "grüß dich".encode()),
            frame(9, b"ping!"),
            binary(640),
            frame(2, b"one ", fin=False),
            frame(0, b"two ", fin=False),
            frame(0, b"three"),
            binary(640),
        ]
    ),
    "an unmasked frame from the page": binary(640) + frame(2, b"x" * 640, masked=False),
    "reserved bits set": binary(640) + frame(2, b"x" * 640, rsv=4) + binary(640),
    "a short length spelled long": binary(640) + frame(2, b"x" * 100, wide=True),
    "over the size limit": binary(640) + binary(5000) + binary(640),
    "a continuation outside a message": binary(640) + frame(0, b"x" * 640),
    "invalid UTF-8 text": binary(640) + frame(1, b"\xff\xfe") + binary(640),
    "a close from the page": binary(640) + frame(8, (1000).to_bytes(2, "big")) + binary(640),
    "a reserved opcode": binary(640) + frame(3, b"x" * 640),
}


def splits(data: bytes, how: str) -> list[bytes]:
    if how == "whole":
        return [data]
    if how == "bytewise":
        return [data[i : i + 1] for i in range(len(data))]
    rng = random.Random(how)
    cuts = sorted(rng.sample(range(1, len(data)), min(40, len(data) - 1)))
    return [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]


def observed(protocol: WebSocketServerProtocol) -> dict:
    return {
        "received": protocol.received,
        "answered": protocol.transport.value(),
        "state": protocol.state,
        "closed": protocol.closed,
        "stats": vars(protocol.trafficStats),
        "buffered": protocol.data,
        "too big": protocol.wasMaxMessagePayloadSizeExceeded,
    }


@pytest.mark.parametrize("how", ["whole", "random 1", "random 2", "bytewise"])
@pytest.mark.parametrize("name", list(STREAMS))
def test_the_same_bytes_are_read_the_same_way(name, how):
    autobahns = opened(Autobahns, maxMessagePayloadSize=4096)
    ours = opened(Ours, maxMessagePayloadSize=4096)
    if name != "over the size limit":
        autobahns.maxMessagePayloadSize = ours.maxMessagePayloadSize = 0

    for chunk in splits(STREAMS[name], how):
        autobahns.dataReceived(chunk)
        ours.dataReceived(chunk)

    assert observed(ours) == observed(autobahns)


def test_a_plain_binary_frame_skips_autobahns_frame_machine(monkeypatch):
    begun = []
    monkeypatch.setattr(WebSocketProtocol, "onFrameBegin", lambda self: begun.append(self))
    ours = opened(Ours)

    ours.dataReceived(binary(640) * 3 + binary(126))

    assert [len(payload) for payload, _ in ours.received] == [640, 640, 640, 126]
    assert begun == []


def test_a_frame_split_between_reads_takes_autobahns_path(monkeypatch):
    ours = opened(Ours)
    whole = binary(640)

    ours.dataReceived(whole[:300])
    ours.dataReceived(whole[300:] + binary(640))

    assert [payload for payload, _ in ours.received] == [bytes(i % 251 for i in range(640))] * 2
    assert ours.current_frame is None and not ours.inside_message


def test_an_auto_ping_wait_is_ended_by_a_frame_as_autobahn_ends_it():
    class Call:
        cancelled = False

        def cancel(self):
            self.cancelled = True

    ours = opened(Ours)
    ours.autoPingTimeoutCall, ours.autoPingPending = Call(), b"ping"
    call = ours.autoPingTimeoutCall

    ours.dataReceived(binary(640))

    assert call.cancelled and ours.autoPingTimeoutCall is None and ours.autoPingPending is None


@pytest.mark.parametrize("n", [0, 5, 125, 126, 640, 65535, 65536])
@pytest.mark.parametrize("is_binary", [True, False])
def test_a_message_is_written_as_autobahn_writes_it(n, is_binary):
    autobahns, ours = opened(Autobahns), opened(Ours)
    payload = bytes(i % 100 + 32 for i in range(n))

    autobahns.sendMessage(payload, is_binary)
    ours.sendMessage(payload, is_binary)

    assert ours.transport.value() == autobahns.transport.value()
    assert vars(ours.trafficStats) == vars(autobahns.trafficStats)


def test_a_plain_message_is_written_in_one_step(monkeypatch):
    framed = []
    monkeypatch.setattr(WebSocketProtocol, "sendFrame", lambda self, **kw: framed.append(kw))
    ours = opened(Ours)

    ours.sendMessage(b"\x01" * 640, True)

    assert framed == []
    assert ours.transport.value() == b"\x82\x7e\x02\x80" + b"\x01" * 640


@pytest.mark.parametrize(
    "options, call",
    [
        ({"autoFragmentSize": 100}, {}),
        ({}, {"fragmentSize": 200}),
        ({}, {"sync": True}),
    ],
)
def test_fragmenting_and_queued_writes_are_left_to_autobahn(options, call):
    autobahns, ours = opened(Autobahns, **options), opened(Ours, **options)

    autobahns.sendMessage(b"\x02" * 640, True, **call)
    ours.sendMessage(b"\x02" * 640, True, **call)

    assert ours.transport.value() == autobahns.transport.value() != b""
    assert vars(ours.trafficStats) == vars(autobahns.trafficStats)


def test_sending_on_a_closed_socket_fails_as_in_autobahn():
    ours = opened(Ours)
    ours.state = WebSocketProtocol.STATE_CLOSED

    with pytest.raises(Disconnected):
        ours.sendMessage(b"\x01" * 640, True)


def test_install_gives_daphnes_protocol_the_one_step_paths():
    fast_frames.install()

    assert ws_protocol.WebSocketProtocol.processData is fast_frames.process_data
    assert ws_protocol.WebSocketProtocol.sendMessage is fast_frames.send_message

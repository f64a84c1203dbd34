"""daphne reads and writes a whole, plain WebSocket data frame in one step.

A live page sends fifty 640-byte binary frames a second and gets as many back. For each one,
autobahn's general frame machine (``processData``) walks a dozen methods: it parses the header
into a ``FrameHeader``, makes a masker, unmasks, runs the begin/data/end hooks of the frame and
of the message, joins a one-element list, and fires a ``message`` event (a Deferred and a
``gather``) that nothing in daphne listens to. Sending goes through ``sendMessage``,
``sendFrame`` and ``sendData`` with their type assertions and keyword handling. In
``bench/bridge.py`` the one-step paths below cut daphne's CPU per relayed frame by 13–15 %
(see docs/benchmarks.md).

:func:`install` gives daphne's protocol class a ``processData`` that takes the common case
itself: the connection is open and between messages, and the buffer starts with a complete,
unfragmented, masked binary frame with no reserved bits, no extension, no frame logging or
timing, no event listener, and within the size limits. It does what autobahn would do for that
frame (the traffic counters, the auto-ping restart, ``onMessage``) and nothing else; anything
else (text, control frames, fragments, a frame split between reads, anything autobahn would
refuse) goes to autobahn's own ``processData``, which therefore still decides every error.
``sendMessage`` likewise writes a whole unmasked, uncompressed data frame in one step when
nothing is queued ahead and no fragmenting or logging is asked for, and otherwise hands over.

Both are tested against autobahn's own path on the same bytes
(tests/server_tuning/test_fast_frames.py).
"""

from __future__ import annotations

from autobahn.websocket.protocol import WebSocketProtocol
from daphne import ws_protocol
from websockets.speedups import apply_mask

_autobahn_process_data = WebSocketProtocol.processData
_autobahn_send_message = WebSocketProtocol.sendMessage

_OPEN = WebSocketProtocol.STATE_OPEN
_FIN_BINARY = 0x82  # FIN set, no reserved bits, opcode 2
_MASKED = 0x80


def install() -> None:
    """Give daphne's WebSocket protocol the one-step paths; calling it again changes nothing."""
    ws_protocol.WebSocketProtocol.processData = process_data
    ws_protocol.WebSocketProtocol.sendMessage = send_message


def process_data(self: WebSocketProtocol) -> bool:
    """autobahn's ``processData``: True when there is more buffered data to process."""
    data = self.data
    if (
        len(data) < 6
        or data[0] != _FIN_BINARY
        or self.current_frame is not None
        or self.inside_message
        or self.state != _OPEN
        or self._perMessageCompress is not None
        or self.logFrames
        or self.trackedTimings
        or self._listeners is not None
        or self.failedByMe
        or not self.applyMask
    ):
        return _autobahn_process_data(self)
    second = data[1]
    if not second & _MASKED:
        return _autobahn_process_data(self)
    length = second & 0x7F
    if length < 126:
        start = 6
    elif length == 126:
        length = int.from_bytes(data[2:4], "big")
        if length < 126:  # not the shortest encoding: autobahn refuses it
            return _autobahn_process_data(self)
        start = 8
    else:
        return _autobahn_process_data(self)
    end = start + length
    if (
        len(data) < end
        or 0 < self.maxFramePayloadSize < length
        or 0 < self.maxMessagePayloadSize < length
    ):
        return _autobahn_process_data(self)

    payload = apply_mask(data[start:end], data[start - 4 : start])
    self.data = data[end:]
    stats = self.trafficStats
    stats.incomingOctetsWebSocketLevel += length
    stats.incomingOctetsAppLevel += length
    stats.incomingWebSocketFrames += 1
    stats.incomingWebSocketMessages += 1
    if self.autoPingTimeoutCall and self.autoPingRestartOnAnyTraffic:
        self._cancelAutoPingTimeoutCall()
    self._onMessage(payload, True)
    return len(self.data) > 0


def send_message(
    self: WebSocketProtocol,
    payload: bytes,
    isBinary: bool = False,
    fragmentSize: int | None = None,
    sync: bool = False,
    doNotCompress: bool = False,
) -> None:
    """autobahn's ``sendMessage``, with its parameter names (callers may pass them by name)."""
    length = len(payload)
    if (
        fragmentSize is not None
        or sync
        or type(payload) is not bytes
        or type(isBinary) is not bool
        or self.state != _OPEN
        or self._perMessageCompress is not None
        or self.maskServerFrames
        or self.trackedTimings
        or self.logFrames
        or self.logOctets
        or self.send_queue
        or 0 < self.maxMessagePayloadSize < length
        or 0 < self.autoFragmentSize < length
    ):
        return _autobahn_send_message(self, payload, isBinary, fragmentSize, sync, doNotCompress)

    first = 0x82 if isBinary else 0x81
    if length <= 125:
        header = bytes((first, length))
    elif length <= 0xFFFF:
        header = bytes((first, 126)) + length.to_bytes(2, "big")
    else:
        header = bytes((first, 127)) + length.to_bytes(8, "big")
    frame = header + payload
    stats = self.trafficStats
    stats.outgoingWebSocketMessages += 1
    stats.outgoingOctetsAppLevel += length
    stats.outgoingOctetsWebSocketLevel += length
    stats.outgoingWebSocketFrames += 1
    self.transport.write(frame)
    stats.outgoingOctetsWireLevel += len(frame)
    return None

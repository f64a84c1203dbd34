"""daphne fails a WebSocket connection with a close frame (code and reason), not a TCP drop.

autobahn, under daphne, fails a connection whose peer breaks the rules (a frame over daphne's
``--websocket-max-frame-size``, 1 MiB by default; a protocol error; invalid UTF-8 in a text
frame) by dropping the TCP connection, its ``failByDrop`` default. A browser then sees close
code 1006 and no reason, and the live page can only say that the connection was lost. With
``failByDrop`` off, autobahn sends the close frame RFC 6455 defines for the case instead (1009
"message too big", 1002, 1007) with its reason, and drops the connection only if the peer
doesn't answer within its close-handshake timeout.

daphne has no option for it, so :func:`install` sets it, through autobahn's public
``setProtocolOptions``, on every factory daphne makes. It is not part of
``interpreter.server_tuning``: it changes what a client observes, so it is always on.
"""

from __future__ import annotations

from typing import Any

from daphne import ws_protocol

_original_init = ws_protocol.WebSocketFactory.__init__


def install() -> None:
    """Make every daphne WebSocket factory created from now on close rather than drop."""
    ws_protocol.WebSocketFactory.__init__ = _init


def _init(self: ws_protocol.WebSocketFactory, *args: Any, **kwargs: Any) -> None:
    _original_init(self, *args, **kwargs)
    self.setProtocolOptions(failByDrop=False)

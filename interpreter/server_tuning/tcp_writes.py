"""Twisted's TCP transport, made to write at once when nothing is queued ahead.

Twisted's ``FileDescriptor.write`` never writes: it queues the bytes, registers the socket
for writability, and on the reactor's next turn sends them and unregisters it. Under
daphne that is every WebSocket frame the app sends, so each 20 ms frame of translated
speech cost two ``epoll_ctl`` calls, an extra event-loop turn and Twisted's per-callback
logging context: about a tenth of daphne's CPU per relayed frame in ``bench/bridge.py``
(see docs/benchmarks.md), and the frame left a turn later. Twisted has no option for it.

:func:`install` makes ``tcp.Connection.write`` first try ``writeSomeData``, Twisted's own
"write as much as possible, immediately", when nothing is buffered ahead. Whatever that
does not send (the rest of a partial write, all of it on ``EAGAIN`` or an error) goes the
original way, which buffers it and reports a lost connection as before. TLS, a connection
that is closing or half-closed, and a non-empty buffer keep the original path entirely.
"""

from __future__ import annotations

from twisted.internet import tcp

_original_write = tcp.Connection.write


def install() -> None:
    """Patch ``tcp.Connection.write`` for this process; calling it again changes nothing."""
    tcp.Connection.write = _write


def _write(self: tcp.Connection, data: bytes) -> None:
    """``write``, sending straight away what the socket takes when nothing waits ahead."""
    if data and isinstance(data, bytes) and _nothing_queued(self):
        sent = self.writeSomeData(data)
        if sent == len(data):
            return
        if isinstance(sent, int):
            data = data[sent:]
    _original_write(self, data)


def _nothing_queued(connection: tcp.Connection) -> bool:
    """True when a write now cannot overtake earlier bytes or a close in progress."""
    return (
        connection.connected
        and not connection.TLS
        and not connection.disconnecting
        and not connection._writeDisconnected
        and not connection._tempDataLen
        and connection.offset == len(connection.dataBuffer)
    )
